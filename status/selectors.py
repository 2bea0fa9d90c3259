"""What the public status page shows, all of it public: states, public updates (the desk's
published broadcasts on the status page), maintenance, the 90-day history, public known errors."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Max, OuterRef, Prefetch, Subquery
from django.utils import timezone

from broadcasts.models import STATUS_CHANNEL, Broadcast, BroadcastKind, BroadcastState, PostState
from tickets.models import Service

from .models import GRAVITY, PublicKnownError, ServiceState, StateChange
from .state import service_states, upcoming_changes

HISTORY_DAYS = 90
HISTORY_KEPT_SECONDS = 24 * 3600  # a new day is a new key anyway


def public_broadcasts(
    *, since: datetime | None = None, service: Service | None = None, limit: int = 50, with_services: bool = True
):
    """Published broadcasts that went to the status page, newest first, with their services
    (unless `with_services` is off: the page does not name them, and 200 broadcasts' services
    were a tenth of its render)."""
    broadcasts = Broadcast.objects.filter(
        state=BroadcastState.PUBLISHED, posts__channel=STATUS_CHANNEL, posts__state=PostState.PUBLISHED
    )
    if since is not None:
        broadcasts = broadcasts.filter(published_at__gte=since)
    if service is not None:
        broadcasts = broadcasts.filter(services=service)
    if with_services:
        broadcasts = broadcasts.prefetch_related(Prefetch("services", queryset=Service.objects.only("id", "name")))
    return list(
        broadcasts.only("id", "kind", "title", "text", "links", "published_at", "incident_id", "change_id").order_by(
            "-published_at", "-id"
        )[:limit]
    )


def current_incidents(broadcasts: list[Broadcast]) -> list[dict]:
    """Outages told on the status page and not yet told resolved: each with its updates
    (broadcasts about the same incident, or the same services, newest first)."""
    threads: dict[str, list[Broadcast]] = defaultdict(list)
    for broadcast in broadcasts:
        key = f"incident:{broadcast.incident_id}" if broadcast.incident_id else f"broadcast:{broadcast.pk}"
        threads[key].append(broadcast)
    current = []
    for updates in threads.values():
        newest = updates[0]
        if newest.kind == BroadcastKind.OUTAGE:
            current.append({"title": updates[-1].title, "updates": updates, "since": updates[-1].published_at})
    return current


def history(*, now: datetime | None = None, days: int = HISTORY_DAYS) -> dict[int, list[dict]]:
    """Per service, the worst state of each of the last `days` days (oldest first), from
    the recorded state changes. Two queries: the changes within the window, and each service's
    last change before it (one indexed lookup per service, however long the history)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    rows = StateChange.objects.filter(at__gte=start).order_by("at", "id").values_list("service_id", "state", "at")
    last_before = StateChange.objects.filter(service=OuterRef("pk"), at__lt=start).order_by("-at", "-id")
    before = dict(
        Service.objects.annotate(state=Subquery(last_before.values("state")[:1]))
        .filter(state__isnull=False)
        .values_list("pk", "state")
    )
    by_service: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for service_id, state, at in rows:
        by_service[service_id].append((timezone.localdate(at), state))
    calendar = [first + timedelta(days=offset) for offset in range(days)]
    result = {}
    for service_id in set(by_service) | set(before):
        state = before.get(service_id, ServiceState.OPERATIONAL)
        changes = by_service.get(service_id, [])
        index = 0
        strip = []
        for day in calendar:
            day_worst = state
            while index < len(changes) and changes[index][0] <= day:
                state = changes[index][1]
                if GRAVITY[state] > GRAVITY[day_worst]:
                    day_worst = state
                index += 1
            strip.append({"day": day, "state": day_worst})
        result[service_id] = strip
    return result


def history_kept(*, now: datetime | None = None) -> dict[int, list[dict]]:
    """`history()`, worked out once per recorded state change and per day: kept in the cache
    under the newest state change's id (the history is only ever added to) and today's date,
    so the page rendered afresh for a published update or a planned change does not fold the
    90 days again. One query when kept."""
    now = now or timezone.now()
    newest = StateChange.objects.aggregate(newest=Max("id"))["newest"] or 0
    key = f"status:history:{newest}:{timezone.localdate(now).isoformat()}"
    days = cache.get(key)
    if days is None:
        days = history(now=now)
        cache.set(key, days, HISTORY_KEPT_SECONDS)
    return days


def page_context(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    states = service_states(now=now)
    recent = public_broadcasts(since=now - timedelta(days=HISTORY_DAYS), limit=200, with_services=False)
    days = history_kept(now=now)
    blank = [
        {"day": timezone.localdate(now) - timedelta(days=HISTORY_DAYS - 1 - i), "state": "operational"}
        for i in range(HISTORY_DAYS)
    ]
    rows = [{"status": s, "history": days.get(s.service.pk, blank)} for s in states]
    worst = max((s.state for s in states), key=GRAVITY.__getitem__, default=ServiceState.OPERATIONAL)
    return {
        "rows": rows,
        "overall": worst,
        "overall_label": ServiceState(worst).label,
        "current": current_incidents(recent),
        "maintenance": upcoming_changes(now=now),
        "recent": recent[:30],
        "known_errors": list(
            PublicKnownError.objects.filter(published=True)
            .select_related("problem__service")
            .order_by("-updated_at")[:20]
        ),
        "generated_at": now,
    }
