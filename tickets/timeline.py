"""An incident's timeline: one list of everything that happened to it, from several sources.

`tickets` provides the description, the comments and the audit trail. Other apps add their
own entries without `tickets` importing them: they register a source, usually in their
`AppConfig.ready()`::

    from tickets.timeline import TimelineEntry, register_timeline_source

    def social_messages(*, incident, viewer_is_agent):
        messages = SocialMessage.objects.filter(incident=incident).select_related("account")
        return [TimelineEntry(at=m.sent_at, kind="social", template="social/_timeline_message.html", item=m)
                for m in messages]

    register_timeline_source(social_messages)

A source gets the incident and whether the viewer is an agent (customers must only see
what is public), makes a constant number of queries whatever the incident's length (the
incident page's query count is asserted), and returns entries. Each entry is rendered with
its own template, which gets the entry as `entry` and its object as `item`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.contrib.auth.models import AnonymousUser, User

from .access import sees_internal_notes
from .models import Attachment, EventKind, Incident, Visibility


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "description", "comment", "event", or a source's own kind ("social", ...)
    template: str
    item: Any = None
    # Entries at the same moment: lower first (the words before the audit line they caused).
    order: int = 0

    # The templates of `tickets` use these names.
    @property
    def comment(self):
        return self.item if self.kind == "comment" else None

    @property
    def event(self):
        return self.item if self.kind == "event" else None


class TimelineSource(Protocol):
    def __call__(self, *, incident: Incident, viewer_is_agent: bool) -> Iterable[TimelineEntry]: ...


_sources: list[Callable[..., Iterable[TimelineEntry]]] = []


def register_timeline_source(source: TimelineSource) -> TimelineSource:
    """Add a source of timeline entries (idempotent, so a repeated `ready()` is harmless).
    Usable as a decorator."""
    if source not in _sources:
        _sources.append(source)
    return source


def unregister_timeline_source(source: TimelineSource) -> None:
    if source in _sources:
        _sources.remove(source)


def timeline_sources() -> list[TimelineSource]:
    return list(_sources)


def build_timeline(*, incident: Incident, user: User | AnonymousUser) -> list[TimelineEntry]:
    """Every registered source's entries for this incident, oldest first."""
    viewer_is_agent = sees_internal_notes(user)
    entries = [entry for source in _sources for entry in source(incident=incident, viewer_is_agent=viewer_is_agent)]
    entries.sort(key=lambda entry: (entry.at, entry.order))
    return entries


# --- the sources of `tickets` itself ----------------------------------------------------


def description_source(*, incident: Incident, viewer_is_agent: bool) -> list[TimelineEntry]:
    """What the reporter wrote when they opened the incident: the timeline's first words."""
    return [
        TimelineEntry(
            at=incident.created_at, kind="description", template="tickets/timeline/description.html", item=incident
        )
    ]


def comments_source(*, incident: Incident, viewer_is_agent: bool) -> list[TimelineEntry]:
    comments = incident.comments.select_related("author_user", "author_contact")
    if not viewer_is_agent:
        comments = comments.filter(visibility=Visibility.PUBLIC)
    return [
        TimelineEntry(at=c.created_at, kind="comment", template="tickets/timeline/comment.html", item=c, order=1)
        for c in comments
    ]


def events_source(*, incident: Incident, viewer_is_agent: bool) -> list[TimelineEntry]:
    """The audit trail. Customers see status changes only; nobody sees the "comment added" or
    "attachment added" lines, which only repeat the comment or the file shown beside them."""
    events = incident.events.select_related("actor_user", "actor_contact")
    events = (
        events.filter(kind=EventKind.STATUS)
        if not viewer_is_agent
        else events.exclude(kind__in=[EventKind.COMMENT, EventKind.ATTACHMENT])
    )
    return [
        TimelineEntry(at=e.created_at, kind="event", template="tickets/timeline/event.html", item=e, order=2)
        for e in events
    ]


def attachments_source(*, incident: Incident, viewer_is_agent: bool) -> list[TimelineEntry]:
    """Files and platforms' media. One attached to a reply has the reply's time and comes
    right after it (same time, same order, and this source is registered after comments)."""
    attachments = Attachment.objects.filter(incident=incident).select_related("uploaded_by_user", "uploaded_by_contact")
    if not viewer_is_agent:
        attachments = attachments.filter(visibility=Visibility.PUBLIC)
    return [
        TimelineEntry(at=a.created_at, kind="attachment", template="tickets/timeline/attachment.html", item=a, order=1)
        for a in attachments
    ]


for _source in (description_source, comments_source, attachments_source, events_source):
    register_timeline_source(_source)
