"""factory_boy factories of the social app's rows, made directly (the processing pipeline
has its own tests; these let pages, the admin and the API be tested with any shape of data).

Every factory takes `channel` ("twitter" by default, or "facebook"), and the rows it makes
agree with it."""

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
    """The X account or Facebook page the desk answers for, ready to send."""

    class Meta:
        model = SocialAccount
        django_get_or_create = ("channel", "external_id")

    class Params:
        twitter = factory.LazyAttribute(lambda a: a.channel == Channel.TWITTER)

    channel = Channel.TWITTER
    external_id = factory.Sequence(lambda n: str(9_000_000 + n))
    handle = factory.LazyAttribute(lambda a: "@desk" if a.twitter else "Service Desk")
    active = True
    consumer_key = factory.LazyAttribute(lambda a: "consumer-key" if a.twitter else "")
    consumer_secret = factory.LazyAttribute(lambda a: "consumer-secret" if a.twitter else "")
    access_token = factory.LazyAttribute(lambda a: "access-token" if a.twitter else "")
    access_token_secret = factory.LazyAttribute(lambda a: "access-token-secret" if a.twitter else "")
    app_secret = factory.LazyAttribute(lambda a: "" if a.twitter else "app-secret")
    verify_token = factory.LazyAttribute(lambda a: "" if a.twitter else "verify-token")
    page_access_token = factory.LazyAttribute(lambda a: "" if a.twitter else "page-access-token")


class SocialIdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialIdentity

    channel = Channel.TWITTER
    external_id = factory.Sequence(lambda n: str(1_000_000 + n))
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


_KIND_URLS = {
    Channel.TWITTER: "https://x.com/i/status/{id}",
    Channel.FACEBOOK: "https://www.facebook.com/{id}",
}


class SocialMessageFactory(factory.django.DjangoModelFactory):
    """An inbound mention that opened an incident, unless told otherwise. Outbound messages:
    `direction="outbound", state="failed", state_reason=...` (no identity, no author)."""

    class Meta:
        model = SocialMessage

    class Params:
        inbound = factory.LazyAttribute(lambda m: m.direction == Direction.INBOUND)

    channel = Channel.TWITTER
    direction = Direction.INBOUND
    kind = factory.LazyAttribute(lambda m: Kind.MENTION if m.channel == Channel.TWITTER else Kind.COMMENT)
    # Outbound messages have the platform's id only once sent.
    external_id = factory.LazyAttributeSequence(
        lambda m, n: str(7_000_000 + n) if m.inbound or m.state == MessageState.SENT else ""
    )
    account_external_id = "9000000"
    identity = factory.Maybe(
        "inbound", factory.SubFactory(SocialIdentityFactory, channel=factory.SelfAttribute("..channel")), None
    )
    author_name = factory.LazyAttribute(
        lambda m: (m.identity.handle or m.identity.display_name) if m.identity else "Service desk"
    )
    text = factory.Faker("sentence")
    url = factory.LazyAttribute(lambda m: _KIND_URLS[m.channel].format(id=m.external_id) if m.external_id else "")
    thread_key = factory.LazyAttribute(lambda m: m.external_id)
    mentions_account = True
    incident = None
    state = factory.LazyAttribute(lambda m: MessageState.NEW_INCIDENT if m.inbound else MessageState.SENT)
    created_at = factory.LazyFunction(timezone.now)
    sent_at = factory.LazyAttribute(lambda m: m.created_at if m.state == MessageState.SENT else None)


class AcknowledgementTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcknowledgementTemplate
        django_get_or_create = ("channel",)

    channel = Channel.TWITTER
    text = "Thanks {name}, your incident is {number}."
