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


@lru_cache(maxsize=512)
def _dimension_query(filters: tuple, *, queue: bool = False) -> str:
    """The filters' part of a link's query string (with its leading "&", or nothing), encoded
    once per set of filters: a page's hundreds of links share one or a few dozen of them."""
    params = _dimension_params(dict(filters), queue=queue)
    return f"&{urlencode(params)}" if params else ""


def _days(start: date, end: date) -> str:
    """An inclusive range of the desk's days, as the queue reads it."""
    return f"{start.isoformat()}..{(end - timedelta(days=1)).isoformat()}"


# The links' query strings are written out rather than passed through `urlencode` (a page
# draws up to a few thousand): their names are fixed, ISO dates and the figures' own names
# need no quoting, and the filters (the only free values) go through `_dimension_query`.


def incidents_url(*, figure: str, start: date, end: date, filters: dict) -> str:
    """The queue showing the incidents a service figure of [start, end) counts."""
    status = "not_incident" if figure == "not_incidents" else ""
    if figure == "backlog":
        day = f"open_on={(end - timedelta(days=1)).isoformat()}"
    else:
        day = f"{INCIDENT_DAY_FILTERS[figure]}={_days(start, end)}"
    sla = f"&sla={SLA_FILTERS[figure]}" if figure in SLA_FILTERS else ""
    dimensions = _dimension_query(tuple(filters.items()), queue=True)
    return f"{_path('incident_list')}?status={status}&{day}{sla}{dimensions}"


def _since_until(start: date, end: date) -> str:
    return f"since={start.isoformat()}&until={(end - timedelta(days=1)).isoformat()}"


def messages_url(*, figure: str, start: date, end: date, filters: dict) -> str:
    """The scored messages a sentiment figure of [start, end) counts."""
    negative = "&negative=1" if figure == "negative" else ""
    dimensions = _dimension_query(tuple(filters.items()))
    return f"{_path('dashboards:messages')}?{_since_until(start, end)}{negative}{dimensions}"


def ratings_url(*, figure: str, start: date, end: date, filters: dict) -> str:
    """The surveys a satisfaction figure of [start, end) counts: those asked (`sent`), rated
    (`answered`), or rated 4 or 5 (`good`)."""
    dimensions = _dimension_query(tuple(filters.items()))
    return f"{_path('dashboards:ratings')}?{_since_until(start, end)}&figure={figure}{dimensions}"


def deflections_url(*, figure: str, start: date, end: date, filters: dict) -> str:
    """The deflections a self-service figure of [start, end) counts (by the service that solved
    them), or for `portal_opened` the incidents the portal opened."""
    if figure == "portal_opened":
        return incidents_url(figure="opened", start=start, end=end, filters=filters | {"channel": PORTAL_CHANNEL})
    dimensions = _dimension_query((("service", filters["service"]),) if "service" in filters else ())
    return f"{_path('dashboards:deflections')}?{_since_until(start, end)}{dimensions}"


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
