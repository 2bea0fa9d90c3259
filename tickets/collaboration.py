"""Agents working one incident together: who else has its page open (presence), and what
changed on it since a version (the live page, and the differences a stale change is refused
with).

Presence is not a record of the desk: it is a few seconds' truth, kept in the `presence`
cache (Redis whenever the desk has one, shared by every web process; local memory under
`make run`, one process) and never in the database, so a page's heartbeat costs no write
there. One cache entry per incident holds everyone on it, each with the time they were last
heard of; entries older than `INCIDENT_PRESENCE_SECONDS` are dropped when read. Two
heartbeats at the same instant may each write the entry without the other's line (the
cache has no compare-and-set through Django's API): the loser is back at its next
heartbeat, a few seconds later, which is all presence promises.

Versions are the services' (`tickets.services.incident_version`, the API's ETag); events
have increasing ids, so "what changed since the page was drawn" is the events after the
last one it showed.
"""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import caches
from django.db.models import OuterRef, Subquery

from .access import incidents_visible_to
from .models import Event, Incident
from .services import VERSIONED_RELATED

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Present:
    """Somebody on an incident's page: replying when their reply box holds text."""

    user_id: int
    name: str
    replying: bool
    seen_at: float


def _presence_key(incident_id: int) -> str:
    return f"incident:{incident_id}"


def _left_key(incident_id: int, page: str) -> str:
    return f"incident:{incident_id}:left:{page}"


def _display_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def presence_refresh(*, incident_id: int, user: User, replying: bool, page: str) -> list[Present]:
    """Say that `user` is on the incident's page (replying or not) for the next
    `INCIDENT_PRESENCE_SECONDS`, and return the others there, replying first, then by name.
    `page` names the page drawn (each drawing its own): see `presence_leave`.

    A cache that does not answer shows nobody rather than failing the page."""
    cache = caches["presence"]
    key, now, ttl = _presence_key(incident_id), time.time(), settings.INCIDENT_PRESENCE_SECONDS
    try:
        present = _fresh(cache.get(key) or {}, now=now, ttl=ttl)
        present[user.pk] = (_display_name(user), replying, now, page)
        # Pages said goodbye to stay gone: a heartbeat that was on its way when its page was
        # left, or another's heartbeat writing back the entry it read before the goodbye,
        # would otherwise show somebody who left for INCIDENT_PRESENCE_SECONDS.
        left = cache.get_many([_left_key(incident_id, line[3]) for line in present.values()])
        present = {pk: line for pk, line in present.items() if _left_key(incident_id, line[3]) not in left}
        cache.set(key, present, timeout=ttl)
    except Exception:  # any cache error: presence is a nicety, the page is not
        logger.warning("Presence cache unavailable", exc_info=True)
        return []
    others = [
        Present(user_id=pk, name=name, replying=is_replying, seen_at=seen_at)
        for pk, (name, is_replying, seen_at, _page) in present.items()
        if pk != user.pk
    ]
    return sorted(others, key=lambda p: (not p.replying, p.name.casefold(), p.user_id))


def presence_leave(*, incident_id: int, user: User, page: str) -> None:
    """`user` left the page `page`: the others stop seeing them at their next heartbeat.
    Unless `user` is there on another page since: a form posted from the page draws it
    anew, and the old page's goodbye may arrive after the new page's hello."""
    cache = caches["presence"]
    key = _presence_key(incident_id)
    try:
        cache.set(_left_key(incident_id, page), True, timeout=settings.INCIDENT_PRESENCE_SECONDS)
        present = cache.get(key) or {}
        if user.pk in present and present[user.pk][3] == page:
            del present[user.pk]
            cache.set(key, present, timeout=settings.INCIDENT_PRESENCE_SECONDS)
    except Exception:  # as above
        logger.warning("Presence cache unavailable", exc_info=True)


def _fresh(present: dict, *, now: float, ttl: int) -> dict:
    return {pk: line for pk, line in present.items() if now - line[2] < ttl}


def incident_live(*, user: User | AnonymousUser, number: str) -> Incident:
    """The incident with what its version hashes loaded, and `last_event_id`, the id of its
    latest audit event (0 if none): in one query, for the page's poll."""
    latest_event = Event.objects.filter(incident=OuterRef("pk")).order_by("-pk").values("pk")[:1]
    try:
        incident = (
            incidents_visible_to(user)
            .select_related(*VERSIONED_RELATED)
            .annotate(last_event_id=Subquery(latest_event))
            .get(number=number)
        )
    except Incident.DoesNotExist:
        raise Incident.DoesNotExist("No such incident.") from None
    incident.last_event_id = incident.last_event_id or 0
    return incident


def incident_changes_since(*, incident: Incident, after_event_id: int) -> list[Event]:
    """What happened to the incident after the event `after_event_id`, oldest first, with who
    did it: the differences a page drawn then does not show."""
    return list(
        Event.objects.filter(incident=incident, pk__gt=after_event_id)
        .select_related("actor_user", "actor_contact")
        .order_by("pk")
    )
