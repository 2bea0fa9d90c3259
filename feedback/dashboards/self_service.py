"""Self-service on the service dashboard: deflections (a published known error or outage
solved it, nothing was raised) beside the incidents the portal raised, and the deflection
rate, deflections ÷ (deflections + portal incidents), per period beside the previous one, read
from the rollups; and the deflections behind each number (`/dashboards/deflections/`), read
from the deflections with the same criteria as the rollup rows. Managers only: deflections
belong to no agent or group, so a view filtered by either has no such figure."""

from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tickets.models import Deflection

from ..rollup_models import DeflectionRollup, IncidentRollup
from ..rollups.buckets import day_start, local_day
from .access import is_manager
from .charts import Measure
from .figures import Series, Window, _ratio
from .forms import WindowForm
from .links import PORTAL_CHANNEL
from .paging import PAGE_SIZE, behind_page


@dataclass
class SelfServiceFigures:
    deflections: int = 0
    raised: int = 0  # incidents opened on the portal's channel

    @property
    def rate(self) -> float | None:
        """Of the people who came to the portal with a problem, the share self-service answered."""
        return _ratio(self.deflections, self.deflections + self.raised)


def _add(figures: list[SelfServiceFigures]) -> SelfServiceFigures:
    return SelfServiceFigures(sum(f.deflections for f in figures), sum(f.raised for f in figures))


def applies(window: Window) -> bool:
    """Deflections have a service and a channel (the portal's), no group and no agent."""
    filters = window.filters
    return not ({"group", "agent"} & filters.keys()) and filters.get("channel", PORTAL_CHANNEL) == PORTAL_CHANNEL


def self_service_series(window: Window) -> Series | None:
    """Two queries: the deflections and the portal's opened incidents per period (None when
    the window's filters leave no such figure)."""
    if not applies(window):
        return None
    portal = replace(window, filters=window.filters | {"channel": PORTAL_CHANNEL})
    deflections = dict(
        portal.filtered(DeflectionRollup)
        .values("period")
        .order_by("period")
        .annotate(total=Sum("deflections"))
        .values_list("period", "total")
    )
    raised = dict(
        portal.filtered(IncidentRollup)
        .values("period")
        .order_by("period")
        .annotate(total=Sum("opened"))
        .values_list("period", "total")
    )

    def of(start: date) -> SelfServiceFigures:
        return SelfServiceFigures(deflections.get(start) or 0, raised.get(start) or 0)

    previous = [of(start) for start in window.previous_starts]
    current = [of(start) for start in window.starts]
    return Series(window, current, previous, _add(current), _add(previous))


# The chart and totals these figures add to the service dashboard (links: "deflections").
SELF_SERVICE_CHARTS = [
    ("deflection_rate", "Self-service: deflection rate (deflections ÷ (deflections + portal incidents))", "line", [
        Measure("deflections", "Deflection rate", lambda f: f.rate, "%"),
    ]),
    ("self_service", "Self-service: solved by a suggestion, or raised on the portal", "bar", [
        Measure("deflections", "Deflections", lambda f: f.deflections),
        Measure("portal_opened", "Raised on the portal", lambda f: f.raised),
    ]),
]  # fmt: skip
SELF_SERVICE_TOTALS = [
    Measure("deflections", "Deflection rate", lambda f: f.rate, "%"),
    Measure("deflections", "Deflections", lambda f: f.deflections),
    Measure("portal_opened", "Raised on the portal", lambda f: f.raised),
]


# --- the deflections behind a figure ------------------------------------------------------


@dataclass(frozen=True)
class DeflectionCriteria:
    since: date
    until: date  # inclusive, the desk's days the deflections were made
    service: int | None = None  # 0: none


def deflections_behind(
    *, criteria: DeflectionCriteria, before: int | None = None, size: int = PAGE_SIZE
) -> list[Deflection]:
    """One page of the deflections a figure counts, newest first, with what solved each and
    who it was (one query)."""
    deflections: QuerySet = Deflection.objects.filter(
        created_at__gte=day_start(criteria.since), created_at__lt=day_start(criteria.until + timedelta(days=1))
    )
    if criteria.service == 0:
        deflections = deflections.filter(service__isnull=True)
    elif criteria.service is not None:
        deflections = deflections.filter(service_id=criteria.service)
    if before:
        deflections = deflections.filter(pk__lt=before)
    return list(
        deflections.select_related("problem", "service", "contact", "user").only(
            "id", "kind", "channel", "outage_state", "text", "created_at",
            "problem__number", "problem__title", "service__name", "contact__name",
            "user__username", "user__first_name", "user__last_name",
        ).order_by("-pk")[:size]
    )  # fmt: skip


class DeflectionFilterForm(WindowForm):
    since = forms.DateField(required=False)

    def criteria(self) -> DeflectionCriteria:
        until = self.value("until") or local_day(timezone.now())
        since = self.value("since") or until - timedelta(days=30)
        return DeflectionCriteria(since=since, until=until, service=self.window().filters.get("service"))


@login_required
@require_GET
def deflections(request: HttpRequest) -> HttpResponse:
    if not is_manager(request.user):
        raise PermissionDenied("Self-service figures are for managers.")
    criteria = DeflectionFilterForm(request.GET, agent_scope=None).criteria()
    page = behind_page(request, partial(deflections_behind, criteria=criteria))
    return render(
        request,
        "dashboards/deflections.html",
        {
            "criteria": criteria,
            "deflections": page.rows,
            "next_before": page.next_before,
            "query": page.query,
        },
    )
