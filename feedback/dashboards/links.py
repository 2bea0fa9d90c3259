"""Where each figure leads: the incidents behind it in the console's queue, the messages behind
it on the dashboards' message list, with the same criteria as the rollup row it came from."""

from datetime import date, timedelta
from functools import lru_cache
from urllib.parse import urlencode

from django.urls import reverse

from tickets.deflection_models import INCIDENT_CHANNEL_OF, DeflectionChannel

from .figures import Window

# Which incidents a service figure counts: the queue filter on the day the rollup keys it by.
INCIDENT_DAY_FILTERS = {
    "opened": "opened",
    "resolved": "resolved",
    "response_met": "responded",
    "resolution_met": "resolved",
    "response_breached": "responded",
    "resolution_breached": "resolved",
    "response_time": "responded",
    "resolution_time": "resolved",
    "not_incidents": "opened",
}
# The incidents the portal raises (the deflection rate's other side) come on this channel.
PORTAL_CHANNEL = INCIDENT_CHANNEL_OF[DeflectionChannel.PORTAL]
SLA_FILTERS = {"response_breached": "response_breached", "resolution_breached": "resolution_breached"}


@lru_cache(maxsize=8)
def _path(name: str) -> str:
    """A page's path, reversed once per process (a dashboard builds hundreds of links)."""
    return reverse(name)


def _dimension_params(filters: dict, *, queue: bool = False) -> dict:
    """Dimension filters as the queue and the message list read them (0 is "none"; the
    queue's service filter is a choice of services, so "no service" is its own flag)."""
    params = {name: "none" if value in (0, "") else value for name, value in filters.items()}
    if queue and params.get("service") == "none":
        del params["service"]
        params["no_service"] = "1"
    return params


def _days(start: date, end: date) -> str:
    """An inclusive range of the desk's days, as the queue reads it."""
    return f"{start.isoformat()}..{(end - timedelta(days=1)).isoformat()}"


def incidents_url(*, figure: str, start: date, end: date, filters: dict) -> str:
    """The queue showing the incidents a service figure of [start, end) counts."""
    params = {"status": ""}
    if figure == "backlog":
        params["open_on"] = (end - timedelta(days=1)).isoformat()
    else:
        params[INCIDENT_DAY_FILTERS[figure]] = _days(start, end)
    if figure == "not_incidents":
        params["status"] = "not_incident"
    if figure in SLA_FILTERS:
        params["sla"] = SLA_FILTERS[figure]
    params |= _dimension_params(filters, queue=True)
    return f"{_path('incident_list')}?{urlencode(params)}"


def messages_url(*, figure: str, start: date, end: date, filters: dict) -> str:
    """The scored messages a sentiment figure of [start, end) counts."""
    params = {"since": start.isoformat(), "until": (end - timedelta(days=1)).isoformat()}
    if figure == "negative":
        params["negative"] = "1"
    params |= _dimension_params(filters)
    return f"{_path('dashboards:messages')}?{urlencode(params)}"


def ratings_url(*, figure: str, start: date, end: date, filters: dict) -> str:
    """The surveys a satisfaction figure of [start, end) counts: those asked (`sent`), rated
    (`answered`), or rated 4 or 5 (`good`)."""
    params = {"since": start.isoformat(), "until": (end - timedelta(days=1)).isoformat(), "figure": figure}
    params |= _dimension_params(filters)
    return f"{_path('dashboards:ratings')}?{urlencode(params)}"


def deflections_url(*, figure: str, start: date, end: date, filters: dict) -> str:
    """The deflections a self-service figure of [start, end) counts (by the service that solved
    them), or for `portal_opened` the incidents the portal opened."""
    if figure == "portal_opened":
        return incidents_url(figure="opened", start=start, end=end, filters=filters | {"channel": PORTAL_CHANNEL})
    params = {"since": start.isoformat(), "until": (end - timedelta(days=1)).isoformat()}
    params |= _dimension_params({"service": filters["service"]} if "service" in filters else {})
    return f"{_path('dashboards:deflections')}?{urlencode(params)}"


# A figure's kind → where its numbers lead.
LINK_BUILDERS = {
    "incidents": incidents_url,
    "messages": messages_url,
    "ratings": ratings_url,
    "deflections": deflections_url,
}


def period_links(window: Window, start: date, *, kind: str, figures: list[str], extra: dict | None = None) -> dict:
    filters = window.filters | (extra or {})
    end = window.period_end(start)
    build = LINK_BUILDERS[kind]
    return {figure: build(figure=figure, start=start, end=end, filters=filters) for figure in figures}
