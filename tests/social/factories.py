"""factory_boy factories of the social app."""

import factory

from social.models import SocialAccount
from tickets.models import Channel


class SocialAccountFactory(factory.django.DjangoModelFactory):
    """An active account of `channel` ("twitter" or "facebook"); tokens as keyword arguments."""

    class Meta:
        model = SocialAccount

    channel = Channel.FACEBOOK
    external_id = factory.Sequence(lambda n: str(100000000000 + n))
    handle = factory.Sequence(lambda n: f"account{n}")
