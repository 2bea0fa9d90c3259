"""Reads of listening for its pages and the API: each list one query, related rows fetched up
front, whatever its length."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery

from social.models import Direction, SocialMessage

from .models import HeardMessage, ListeningAccountState, ListeningQuery

CONVERTED = "incident"
NOT_CONVERTED = "open"


@dataclass(frozen=True)
class HeardFilters:
    """What the Listening page lists; each field is a URL parameter of the same name."""

    service: int | None = None
    channel: str = ""
    sentiment: str = ""
    query: int | None = None
    text: str = ""
    since: datetime | None = None
    until: datetime | None = None
    state: str = ""  # "incident": made incidents; "open": not yet
    intent: str = ""  # complaint, question, praise, thanks, chatter (intelligence.intent)


@dataclass(frozen=True)
class HeardPage:
    messages: list[HeardMessage]
    # The id to pass as `before` for the next, older page; None on the last page.
    older_before: int | None


def heard_messages() -> QuerySet[HeardMessage]:
    """Heard posts with their query, service, account and incident, and the incident intake
    made of the same post if it did (a post both heard and addressed to the desk)."""
    intake_incident = SocialMessage.objects.filter(
        channel=OuterRef("channel"),
        external_id=OuterRef("external_id"),
        direction=Direction.INBOUND,
        incident__isnull=False,
    ).values("incident__number")[:1]
    return (
        HeardMessage.objects.select_related("query", "service", "account", "incident")
        .defer("raw")
        .annotate(intake_incident_number=Subquery(intake_incident))
    )


def heard_filtered(filters: HeardFilters) -> QuerySet[HeardMessage]:
    messages = heard_messages()
    if filters.service:
        messages = messages.filter(service_id=filters.service)
    if filters.channel:
        messages = messages.filter(channel=filters.channel)
    if filters.sentiment:
        messages = messages.filter(sentiment_label=filters.sentiment)
    if filters.intent:
        messages = messages.filter(intent=filters.intent)
    if filters.query:
        messages = messages.filter(query_id=filters.query)
    if filters.text:
        messages = messages.filter(
            Q(text__icontains=filters.text)
            | Q(author_handle__icontains=filters.text)
            | Q(author_name__icontains=filters.text)
        )
    if filters.since:
        messages = messages.filter(posted_at__gte=filters.since)
    if filters.until:
        messages = messages.filter(posted_at__lt=filters.until)
    if filters.state == CONVERTED:
        messages = messages.filter(incident__isnull=False)
    elif filters.state == NOT_CONVERTED:
        messages = messages.filter(incident__isnull=True)
    return messages


def heard_page(*, filters: HeardFilters, before: int | None = None, size: int = 50) -> HeardPage:
    """One page, newest first, from the message with id `before` (excluded) on: one query (the
    cursor row's time is a subquery, so a page deep down costs what the first does)."""
    messages = heard_filtered(filters)
    if before:
        anchor = Subquery(HeardMessage.objects.filter(pk=before).values("posted_at")[:1])
        messages = messages.filter(
            Q(posted_at__lte=anchor) & (Q(posted_at__lt=anchor) | Q(posted_at=anchor, pk__lt=before))
        )
    rows = list(messages.order_by("-posted_at", "-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return HeardPage(messages=rows, older_before=rows[-1].pk if more and rows else None)


def heard_get(*, pk: int) -> HeardMessage:
    return HeardMessage.objects.select_related("account", "incident", "service").get(pk=pk)


def query_list() -> list[ListeningQuery]:
    return list(ListeningQuery.objects.select_related("service", "created_by").order_by("name"))


def query_get(*, pk: int) -> ListeningQuery:
    return ListeningQuery.objects.select_related("service").get(pk=pk)


def account_states() -> list[ListeningAccountState]:
    """Where listening stands on each account that has listened."""
    return list(ListeningAccountState.objects.select_related("account").order_by("account__channel", "account_id"))
