"""factory_boy factories for the social app, shared by every platform's tests."""

import factory
from django.utils import timezone

from social.events import Kind
from social.models import Direction, MessageState, SocialAccount, SocialIdentity, SocialMessage
from tickets.models import Channel

from ..factories import ContactFactory


class SocialAccountFactory(factory.django.DjangoModelFactory):
    """An account of any platform: `SocialAccountFactory(channel="facebook", credentials=True)`.
    `credentials=True` fills every token field, so it can send and verify on either platform."""

    class Meta:
        model = SocialAccount
        django_get_or_create = ("channel", "external_id")

    channel = Channel.TWITTER
    external_id = factory.Sequence(lambda n: str(900_000 + n))
    handle = factory.Sequence(lambda n: f"servicedesk{n}")

    class Params:
        credentials = factory.Trait(
            consumer_key="test-consumer-key",
            consumer_secret="test-consumer-secret",
            bearer_token="test-bearer-token",
            access_token="test-access-token",
            access_token_secret="test-access-token-secret",
            app_secret="test-app-secret",
            verify_token="test-verify-token",
            page_access_token="test-page-access-token",
        )


class SocialIdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialIdentity
        django_get_or_create = ("channel", "external_id")

    channel = Channel.TWITTER
    external_id = factory.Sequence(lambda n: str(700_000 + n))
    handle = factory.Sequence(lambda n: f"@person{n}")
    display_name = factory.Faker("name")
    contact = factory.SubFactory(ContactFactory)


class SocialMessageFactory(factory.django.DjangoModelFactory):
    """An outbound reply by default; pass direction, kind and state for others."""

    class Meta:
        model = SocialMessage

    channel = Channel.TWITTER
    direction = Direction.OUTBOUND
    kind = Kind.REPLY
    account_external_id = factory.Sequence(lambda n: str(900_000 + n))
    text = "Thanks, we are looking into it."
    state = factory.LazyAttribute(
        lambda m: MessageState.QUEUED if m.direction == Direction.OUTBOUND else MessageState.NEW_INCIDENT
    )
    created_at = factory.LazyFunction(timezone.now)
