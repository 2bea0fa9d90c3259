"""Each active service's public state, derived from what the desk knows — in a constant
number of queries, whatever the number of services:

- major outage: an open major incident on the service;
- partial outage: an open critical (P1) incident on it;
- degraded: an open problem on it that is being worked (new, investigating, known error);
- maintenance: a change in progress on it, or a planned change whose window has begun;
- operational: none of these.

The worst cause wins; an agent's override (with its reason) replaces the derived state.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from broadcasts.models import Change, ChangeState
from tickets.models import OPEN_STATUSES, Incident, Priority, Problem, ProblemStatus, Service

from .models import GRAVITY, ServiceState, StatusOverride

OPEN_PROBLEM_STATES = (ProblemStatus.NEW, ProblemStatus.INVESTIGATING, ProblemStatus.KNOWN_ERROR)

# What the public reads for each cause: no names, no internal words.
WHY = {
    ServiceState.MAJOR_OUTAGE: "A major incident is being handled.",
    ServiceState.PARTIAL_OUTAGE: "Part of the service is unavailable.",
    ServiceState.DEGRADED: "A known problem is being worked on.",
    ServiceState.MAINTENANCE: "Planned maintenance is under way.",
    ServiceState.OPERATIONAL: "",
}


@dataclass
class Status:
    service: Service
    state: str = ServiceState.OPERATIONAL
    why: str = ""
    overridden: bool = False
    changes: list[Change] = field(default_factory=list)

    @property
    def label(self) -> str:
        return ServiceState(self.state).label

    def worsen(self, state: str) -> None:
        if GRAVITY[state] > GRAVITY[self.state]:
            self.state, self.why = state, WHY[state]


def service_states(*, now: datetime | None = None) -> list[Status]:
    """Every active service with its state, by name. Five queries."""
    now = now or timezone.now()
    services = list(Service.objects.filter(active=True).order_by("name"))
    statuses = {s.pk: Status(service=s) for s in services}
    incidents = Incident.objects.filter(status__in=OPEN_STATUSES, service__in=statuses.keys()).filter(
        Q(major=True) | Q(priority=Priority.CRITICAL)
    )
    for service_id, major in incidents.values_list("service_id", "major").distinct():
        statuses[service_id].worsen(ServiceState.MAJOR_OUTAGE if major else ServiceState.PARTIAL_OUTAGE)
    problems = Problem.objects.filter(status__in=OPEN_PROBLEM_STATES, service__in=statuses.keys())
    for service_id in problems.values_list("service_id", flat=True).distinct():
        statuses[service_id].worsen(ServiceState.DEGRADED)
    under_way = Change.objects.filter(
        Q(state=ChangeState.IN_PROGRESS) | Q(state=ChangeState.PLANNED, planned_start__lte=now, planned_end__gt=now)
    )
    for service_id in under_way.values_list("services", flat=True).distinct():
        if service_id in statuses:
            statuses[service_id].worsen(ServiceState.MAINTENANCE)
    for override in StatusOverride.objects.filter(cleared_at__isnull=True, service__in=statuses.keys()):
        status = statuses[override.service_id]
        status.state, status.why, status.overridden = override.state, override.reason, True
    return list(statuses.values())


def upcoming_changes(*, now: datetime | None = None, limit: int = 20) -> list[Change]:
    """Planned and in-progress changes not yet over, soonest first, with their services."""
    now = now or timezone.now()
    return list(
        Change.objects.filter(state__in=(ChangeState.PLANNED, ChangeState.IN_PROGRESS), planned_end__gt=now)
        .prefetch_related("services")
        .order_by("planned_start", "id")[:limit]
    )


def by_service(changes: list[Change]) -> dict[int, list[Change]]:
    grouped: dict[int, list[Change]] = defaultdict(list)
    for change in changes:
        for service in change.services.all():
            grouped[service.pk].append(change)
    return grouped
