"""Reads of the social app for pages, the API and the incident timeline. Each list is one
query that fetches its related rows up front, whatever its length."""

import json
from dataclasses import dataclass
from functools import cached_property

from django.db.models import F, Q, QuerySet, Subquery
from django.db.models.fields.json import KT

from tickets.contact_sources import ContactIdentity, ContactSection
from tickets.models import Contact, Incident
from tickets.timeline import TimelineEntry

from . import platforms
from .models import Direction, InboundEvent, InboundState, MessageState, SocialAccount, SocialIdentity, SocialMessage

# --- the incident timeline ------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineMessage:
    """A message as one viewer sees it on the incident page: agents get its delivery state,
    the Retry button and the raw payload; the reporter gets none of these."""

    message: SocialMessage
    for_agent: bool
    # The words are already on the timeline, as the description or a comment made from them:
    # the message then adds only where they were said and what became of them.
    echoes: bool = False

    @property
    def can_retry(self) -> bool:
        return self.for_agent and is_retryable(self.message)

    @cached_property
    def raw_pretty(self) -> str:
        return json.dumps(self.message.raw, indent=2, ensure_ascii=False, sort_keys=True) if self.message.raw else ""


def is_retryable(message: SocialMessage) -> bool:
    return message.direction == Direction.OUTBOUND and message.state == MessageState.FAILED


def timeline_source(*, incident: Incident, viewer_is_agent: bool) -> list[TimelineEntry]:
    """The incident's messages in and out, oldest first: one query (registered in
    `SocialConfig.ready()`). The reporter sees the public ones, their own private
    conversation with the desk, and what the desk actually sent them."""
    messages = SocialMessage.objects.filter(incident=incident).select_related("identity").order_by("created_at", "id")
    if not viewer_is_agent:
        messages = _visible_to_reporter(list(messages.defer("raw")), reporter_id=incident.reporter_id)
    return [
        TimelineEntry(
            at=message.created_at,
            kind="social",
            template="social/_timeline_message.html",
            item=TimelineMessage(
                message=message,
                for_agent=viewer_is_agent,
                echoes=bool(message.comment_id)
                or (bool(message.text) and incident.description.startswith(message.text)),
            ),
            order=3,  # just after the description or comment made from it (same moment)
        )
        for message in messages
    ]


def _visible_to_reporter(messages: list[SocialMessage], *, reporter_id: int) -> list[SocialMessage]:
    def from_reporter(message: SocialMessage) -> bool:
        return message.identity is not None and message.identity.contact_id == reporter_id

    # The private conversations the reporter took part in (a DM thread is one person's).
    own_threads = {m.thread_key for m in messages if m.is_private and m.thread_key and from_reporter(m)}
    shown = []
    for message in messages:
        if message.direction == Direction.OUTBOUND and message.state != MessageState.SENT:
            continue  # not on the platform (yet): the reply itself is on the timeline as a comment
        if message.is_private:
            if not (from_reporter(message) or (message.thread_key and message.thread_key in own_threads)):
                continue  # somebody else's direct messages
        elif message.hidden and not from_reporter(message):
            continue  # hidden by the page: only its author still sees it there
        shown.append(message)
    return shown


# --- the Social page ------------------------------------------------------------------------

INBOX_DIRECTIONS = [(Direction.INBOUND, "Inbound"), (Direction.OUTBOUND, "Outbound"), ("", "Both")]
INBOUND_STATES = [MessageState.NEW_INCIDENT, MessageState.JOINED, MessageState.RECORDED, MessageState.IGNORED]
OUTBOUND_STATES = [MessageState.QUEUED, MessageState.SENDING, MessageState.SENT, MessageState.FAILED]


@dataclass(frozen=True)
class InboxFilters:
    """What the Social page lists; each field is a URL parameter of the same name."""

    direction: str = Direction.INBOUND
    channel: str = ""
    kind: str = ""
    state: str = ""
    intent: str = ""  # what a message that started a conversation was judged to be (social.judgement)


@dataclass(frozen=True)
class InboxPage:
    messages: list[SocialMessage]
    # The id to pass as `before` for the next, older page; None on the last page.
    older_before: int | None


def inbox_messages(*, filters: InboxFilters, before: int | None = None, size: int = 50) -> InboxPage:
    """One page of messages, newest first, from the message with id `before` (excluded) on.

    One query: the cursor row's time is a subquery, the identity is joined, the incident
    contributes its number only, and the raw payloads stay in the database."""
    messages = (
        SocialMessage.objects.select_related("identity")
        .annotate(incident_number=F("incident__number"))
        .defer("raw", "parts")
    )
    if filters.direction:
        messages = messages.filter(direction=filters.direction)
    if filters.channel:
        messages = messages.filter(channel=filters.channel)
    if filters.kind:
        messages = messages.filter(kind=filters.kind)
    if filters.state:
        messages = messages.filter(state=filters.state)
    if filters.intent:
        messages = messages.filter(intent=filters.intent)
    if before:
        anchor = Subquery(SocialMessage.objects.filter(pk=before).values("created_at")[:1])
        # (created_at, id) < (anchor's, before), with created_at <= anchor's on its own so
        # PostgreSQL walks the (-created_at, -id) index from there.
        messages = messages.filter(
            Q(created_at__lte=anchor) & (Q(created_at__lt=anchor) | Q(created_at=anchor, pk__lt=before))
        )
    rows = list(messages.order_by("-created_at", "-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return InboxPage(messages=rows, older_before=rows[-1].pk if more and rows else None)


def inbound_events_failed(*, limit: int = 20) -> list[InboundEvent]:
    """The newest inbound events that processing gave up on (on the partial index of failed
    events), with the few payload fields the page shows rather than the payload."""
    return list(
        InboundEvent.objects.filter(state=InboundState.FAILED)
        .annotate(
            author=KT("payload__author_handle"),
            author_name=KT("payload__author_name"),
            text=KT("payload__text"),
            kind=KT("payload__kind"),
        )
        .defer("payload")
        .order_by("-received_at", "-id")[:limit]
    )


def message_get(*, pk: int) -> SocialMessage:
    """One message, as the Social page lists it (identity joined, its incident's number)."""
    try:
        return (
            SocialMessage.objects.select_related("identity").annotate(incident_number=F("incident__number")).get(pk=pk)
        )
    except SocialMessage.DoesNotExist:
        raise SocialMessage.DoesNotExist("No such message.") from None


# --- accounts ---------------------------------------------------------------------------------


def accounts_with_token_errors() -> list[SocialAccount]:
    """Active accounts whose token the platform refused. Only the columns the banner shows
    are read: the encrypted tokens are neither decrypted nor needed."""
    return list(
        SocialAccount.objects.filter(active=True)
        .exclude(token_error="")
        .only("channel", "external_id", "handle", "token_error", "token_error_at")
        .order_by("channel", "handle", "id")
    )


# --- the REST API -----------------------------------------------------------------------------


def message_list_for_api() -> QuerySet[SocialMessage]:
    """Messages with their identity and sentiment score joined and their incident's number:
    one query per page. The score is `feedback`'s reverse one-to-one ("sentiment"), named,
    never imported: `social` does not depend on `feedback`."""
    return (
        SocialMessage.objects.select_related("identity", "sentiment")
        .annotate(incident_number=F("incident__number"))
        .defer("raw", "parts")
    )


# --- contacts: where a person is met, and what they wrote -----------------------------------

CONTACT_MESSAGES_SHOWN = 20


def contact_identities(*, contact_ids: list[int]) -> dict[int, list[ContactIdentity]]:
    """Each contact's identities on the platforms, one query (registered with tickets in
    `SocialConfig.ready()`: the contact page and the contact list show them)."""
    found: dict[int, list[ContactIdentity]] = {}
    identities = SocialIdentity.objects.filter(contact_id__in=contact_ids).order_by("channel", "handle", "id")
    for identity in identities:
        platform = platforms.find(identity.channel)
        found.setdefault(identity.contact_id, []).append(
            ContactIdentity(
                channel=identity.channel,
                channel_name=platform.name if platform else identity.channel,
                handle=identity.handle,
                name=identity.display_name,
                link=platform.profile_url(handle=identity.handle, external_id=identity.external_id) if platform else "",
                badge_class=platform.badge_class if platform else "text-bg-secondary",
            )
        )
    return found


def contacts_by_handle(*, q: str) -> QuerySet:
    """The ids of the contacts met on a platform as `q` (a handle without its @, or the name
    they go by there): a subquery of the console's reporter search (registered in
    `SocialConfig.ready()`)."""
    return SocialIdentity.objects.filter(Q(handle__icontains=q) | Q(display_name__icontains=q)).values("contact_id")


def contact_messages(*, contact: Contact) -> ContactSection:
    """The latest messages the contact wrote on any platform, newest first (one query)."""
    messages = list(
        SocialMessage.objects.filter(identity__contact=contact, direction=Direction.INBOUND)
        .annotate(incident_number=F("incident__number"))
        .defer("raw", "parts")
        .order_by("-created_at", "-id")[: CONTACT_MESSAGES_SHOWN + 1]
    )
    return ContactSection(
        title="Messages",
        template="social/_contact_messages.html",
        items=messages[:CONTACT_MESSAGES_SHOWN],
        more=len(messages) > CONTACT_MESSAGES_SHOWN,
    )
