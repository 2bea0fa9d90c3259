"""factory_boy factories for the social app, shared by every platform's tests and the
pages'. Rows are made directly (the processing pipeline has its own tests), and agree with
the `channel` and `direction` they are given."""

import factory
from django.utils import timezone

from social.events import Kind
from social.models import (
    AcknowledgementTemplate,
    Direction,
    InboundEvent,
    InboundState,
    MessageState,
    SocialAccount,
    SocialIdentity,
    SocialMessage,
)
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
    """Somebody on X (with an @handle) or Facebook (a name only), and their contact."""

    class Meta:
        model = SocialIdentity
        django_get_or_create = ("channel", "external_id")

    channel = Channel.TWITTER
    external_id = factory.Sequence(lambda n: str(700_000 + n))
    handle = factory.LazyAttributeSequence(lambda i, n: f"@person{n}" if i.channel == Channel.TWITTER else "")
    display_name = factory.Faker("name")
    contact = factory.SubFactory(ContactFactory, name=factory.SelfAttribute("..display_name"))


class InboundEventFactory(factory.django.DjangoModelFactory):
    """A stored event; pass `state="failed"` with `last_error` and `attempts` for a failure."""

    class Meta:
        model = InboundEvent

    channel = Channel.TWITTER
    dedup_key = factory.Sequence(lambda n: str(5_000_000 + n))
    payload = factory.LazyAttribute(
        lambda e: {"channel": e.channel, "external_id": e.dedup_key, "action": "create", "text": "Hello", "raw": {}}
    )
    source = "webhook"
    shard = 0
    state = InboundState.PENDING
    attempts = 0
    next_attempt_at = factory.LazyFunction(timezone.now)
    received_at = factory.LazyFunction(timezone.now)
    last_error = ""


_ORIGINAL_URLS = {
    Channel.TWITTER: "https://x.com/i/status/{id}",
    Channel.FACEBOOK: "https://www.facebook.com/{id}",
}


class SocialMessageFactory(factory.django.DjangoModelFactory):
    """An outbound reply by default; pass direction, kind and state for others, or use
    `InboundMessageFactory`. Inbound messages come from an identity, with the platform's id
    and address; outbound ones get an id only once sent."""

    class Meta:
        model = SocialMessage

    class Params:
        inbound = factory.LazyAttribute(lambda m: m.direction == Direction.INBOUND)

    channel = Channel.TWITTER
    direction = Direction.OUTBOUND
    kind = factory.LazyAttribute(
        lambda m: Kind.REPLY if not m.inbound else Kind.MENTION if m.channel == Channel.TWITTER else Kind.COMMENT
    )
    account_external_id = factory.Sequence(lambda n: str(900_000 + n))
    external_id = factory.LazyAttributeSequence(
        lambda m, n: str(7_000_000 + n) if m.inbound or m.state == MessageState.SENT else ""
    )
    identity = factory.Maybe(
        "inbound", factory.SubFactory(SocialIdentityFactory, channel=factory.SelfAttribute("..channel")), None
    )
    author_name = factory.LazyAttribute(lambda m: (m.identity.handle or m.identity.display_name) if m.identity else "")
    text = factory.Maybe("inbound", factory.Faker("sentence"), "Thanks, we are looking into it.")
    url = factory.LazyAttribute(lambda m: _ORIGINAL_URLS[m.channel].format(id=m.external_id) if m.external_id else "")
    thread_key = factory.LazyAttribute(lambda m: m.external_id if m.inbound else "")
    state = factory.LazyAttribute(
        lambda m: MessageState.QUEUED if m.direction == Direction.OUTBOUND else MessageState.NEW_INCIDENT
    )
    created_at = factory.LazyFunction(timezone.now)
    sent_at = factory.LazyAttribute(lambda m: m.created_at if m.state == MessageState.SENT else None)


class InboundMessageFactory(SocialMessageFactory):
    """A message somebody sent: on X a mention, on Facebook a comment, that opened an incident."""

    direction = Direction.INBOUND
    mentions_account = True


class AcknowledgementTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcknowledgementTemplate
        django_get_or_create = ("channel",)

    channel = Channel.TWITTER
    text = "Thanks {name}, your incident is {number}."
