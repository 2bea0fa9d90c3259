"""factory_boy factories of listening: queries, and posts as if heard."""

from datetime import timedelta

import factory
from django.utils import timezone

from listening.models import HeardMessage, ListeningQuery
from social.events import Kind
from tickets.models import Channel

from ..factories import ServiceFactory
from ..social.factories import SocialAccountFactory


class ListeningQueryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListeningQuery

    name = factory.Sequence(lambda n: f"Query {n}")
    service = factory.SubFactory(ServiceFactory)
    terms = "vpn\n#vpndown"


class HeardMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HeardMessage

    channel = Channel.TWITTER
    account = factory.SubFactory(SocialAccountFactory, channel=factory.SelfAttribute("..channel"))
    external_id = factory.Sequence(lambda n: str(1_800_000_000_000_000_000 + n))
    query = factory.SubFactory(ListeningQueryFactory)
    service = factory.SelfAttribute("query.service")
    # As each platform's listen hands them: an X post is answered by a reply, a Facebook one by a comment.
    kind = factory.LazyAttribute(lambda m: Kind.POST if m.channel == Channel.FACEBOOK else Kind.MENTION)
    author_id = factory.Sequence(lambda n: str(500_000 + n))
    author_handle = factory.Sequence(lambda n: f"@heard{n}")
    author_name = factory.Faker("name")
    text = "the vpn is down again"
    url = factory.LazyAttribute(lambda m: f"https://x.com/{m.author_handle[1:]}/status/{m.external_id}")
    thread_key = factory.SelfAttribute("external_id")
    posted_at = factory.Sequence(lambda n: timezone.now() - timedelta(minutes=n))
    heard_at = factory.LazyFunction(timezone.now)
    sentiment_score = -0.8
    sentiment_label = "negative"
    intent = "complaint"
    sentiment_model = "test"
