"""The queue's filters that show the incidents behind a dashboard figure: the desk's days an
incident was opened, first answered or resolved in, the backlog at the end of a day, the
assignment group and the assignee (by id, or "none"), and the SLA breaches the figures count.

Days are the desk's (settings.TIME_ZONE), as the dashboards count them. A value that does not
parse is ignored, as every queue filter is: a stale link still opens the queue.
"""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F, Q

from .models import IncidentStatus

ASCII_ID = re.compile(r"[0-9]{1,10}")  # str.isdigit() takes "²", which int() refuses
DAY_RANGE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*$")
# Queue filter → the incident's time it ranges over.
DAY_RANGE_FILTERS = {"opened": "created_at", "responded": "first_response_at", "resolved": "resolved_at"}
# Breached as the dashboards count it: flagged by the sweep, or done after the due time.
SLA_FIGURE_FILTERS = {
    "response_breached": Q(first_response_at__isnull=False)
    & (Q(response_breached=True) | Q(first_response_at__gt=F("response_due_at"))),
    "resolution_breached": Q(resolved_at__isnull=False)
    & (Q(resolution_breached=True) | Q(resolved_at__gt=F("resolution_due_at"))),
}
SLA_FIGURE_CHOICES = [("response_breached", "Response breached"), ("resolution_breached", "Resolution breached")]


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def day_range(value: str) -> tuple[datetime, datetime] | None:
    """ "2026-11-02..2026-11-08" (both days included) as [start, end) instants."""
    match = DAY_RANGE.match(value or "")
    if not match:
        return None
    first, last = _day(match.group(1)), _day(match.group(2))
    if first is None or last is None or last < first:
        return None
    return day_start(first), day_start(last + timedelta(days=1))


def _person_or_team(field: str, value: str) -> Q:
    if value == "none":
        return Q(**{f"{field}__isnull": True})
    if ASCII_ID.fullmatch(value) and 0 < int(value) < 2**31:
        return Q(**{field: int(value)})
    return Q()


def figure_q(
    *, opened: str, responded: str, resolved: str, open_on: str, group: str, agent: str, no_service: bool
) -> Q:
    condition = Q()
    for name, value in (("opened", opened), ("responded", responded), ("resolved", resolved)):
        bounds = day_range(value)
        if bounds:
            field = DAY_RANGE_FILTERS[name]
            condition &= Q(**{f"{field}__gte": bounds[0], f"{field}__lt": bounds[1]})
    day = _day(open_on) if open_on else None
    if day:
        # Open at the end of that day: opened by then, not resolved nor cancelled by then.
        end = day_start(day + timedelta(days=1))
        condition &= (
            Q(created_at__lt=end)
            & ~Q(resolved_at__lt=end)
            & ~Q(resolved_at__isnull=True, status=IncidentStatus.CANCELLED, updated_at__lt=end)
        )
    if group:
        condition &= _person_or_team("assignment_group_id", group)
    if agent:
        condition &= _person_or_team("assignee_id", agent)
    if no_service:
        condition &= Q(service__isnull=True)
    return condition
