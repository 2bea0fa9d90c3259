"""The dashboards' pages. Each parses its window, reads the rollups through `figures`, and
renders charts (with their tables) or the same figures as CSV."""

import csv
import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from tickets.models import Channel, Service, SupportGroup
from tickets.selectors import agents

from ..rollup_models import RollupCursor
from . import figures as fig
from .access import figures_agent_scope
from .charts import Chart, Measure, chart, period_label, shown
from .forms import BY_CHOICES, WindowForm
from .links import LINK_BUILDERS
from .ratings import RATING_CHARTS, RATING_TOTALS, survey_series
from .self_service import SELF_SERVICE_CHARTS, SELF_SERVICE_TOTALS, self_service_series

# Cached figures live at most this long (a refresh moves the watermark every minute anyway).
FIGURES_CACHE_SECONDS = 600

SERVICE_CHARTS = [
    ("volume", "Incoming and resolved incidents", "bar", [
        Measure("opened", "Opened", lambda f: f.opened),
        Measure("resolved", "Resolved", lambda f: f.resolved),
        Measure("not_incidents", "Not incidents", lambda f: f.not_incidents),
    ]),
    ("backlog", "Backlog (open at the end of the period)", "line", [
        Measure("backlog", "Open incidents", lambda f: f.backlog),
    ]),
    ("sla", "SLA compliance", "line", [
        Measure("response_met", "Response on time", lambda f: f.response_met, "%"),
        Measure("resolution_met", "Resolution on time", lambda f: f.resolution_met, "%"),
    ]),
    ("breaches", "SLA breaches", "bar", [
        Measure("response_breached", "Response breaches", lambda f: f.response_breached),
        Measure("resolution_breached", "Resolution breaches", lambda f: f.resolution_breached),
    ]),
    ("response_time", "Time to first response", "line", [
        Measure("response_time", "Median", lambda f: f.response_median, "min", 0),
        Measure("response_time", "90th percentile", lambda f: f.response_p90, "min", 0),
    ]),
    ("resolution_time", "Time to resolution", "line", [
        Measure("resolution_time", "Median", lambda f: _hours(f.resolution_median), "h", 1),
        Measure("resolution_time", "90th percentile", lambda f: _hours(f.resolution_p90), "h", 1),
    ]),
]  # fmt: skip
SATISFACTION_CHARTS = [
    ("sentiment", "Average sentiment (−1 … 1)", "line", [
        Measure("messages", "Average sentiment", lambda f: f.average_sentiment, "", 3),
    ]),
    ("negative", "Share of negative messages", "line", [
        Measure("negative", "Negative messages", lambda f: f.negative_share, "%"),
    ]),
    ("messages", "Messages people wrote", "bar", [
        Measure("messages", "Messages", lambda f: f.messages),
    ]),
]  # fmt: skip
SERVICE_TOTALS = [
    Measure("opened", "Opened", lambda f: f.opened),
    Measure("resolved", "Resolved", lambda f: f.resolved),
    Measure("not_incidents", "Not incidents", lambda f: f.not_incidents),
    Measure("backlog", "Open at the end", lambda f: f.backlog),
    Measure("response_met", "Response on time", lambda f: f.response_met, "%"),
    Measure("resolution_met", "Resolution on time", lambda f: f.resolution_met, "%"),
    Measure("response_breached", "Response breaches", lambda f: f.response_breached),
    Measure("resolution_breached", "Resolution breaches", lambda f: f.resolution_breached),
    Measure("response_time", "First response, median", lambda f: f.response_median, "min", 0),
    Measure("response_time", "First response, 90th pct.", lambda f: f.response_p90, "min", 0),
    Measure("resolution_time", "Resolution, median", lambda f: _hours(f.resolution_median), "h", 1),
    Measure("resolution_time", "Resolution, 90th pct.", lambda f: _hours(f.resolution_p90), "h", 1),
]
SATISFACTION_TOTALS = [
    Measure("messages", "Messages", lambda f: f.messages),
    Measure("messages", "Average sentiment", lambda f: f.average_sentiment, "", 3),
    Measure("negative", "Negative messages", lambda f: f.negative_share, "%"),
]


# The breakdown's columns (each beside its previous period): the figures a manager compares.
BREAKDOWN_SERVICE_FIGURES = {"opened", "resolved", "response_met", "resolution_met", "response_time"}


def _hours(minutes):
    return None if minutes is None else minutes / 60


def dimension_names() -> dict[str, dict]:
    """Three queries: the names of services, groups and people, for filters and breakdowns."""
    return {
        "service": {0: "No service", **dict(Service.objects.values_list("id", "name"))},
        "group": {0: "No group", **dict(SupportGroup.objects.values_list("id", "name"))},
        "agent": {
            0: "Unassigned",
            **{
                pk: f"{first} {last}".strip() or username
                for pk, first, last, username in agents().values_list("id", "first_name", "last_name", "username")
            },
        },
        "channel": {"": "No channel", **dict(Channel.choices)},
    }


def _totals(series, measures: list[Measure], links: str, window) -> list[dict]:
    build = LINK_BUILDERS[links]
    totals = []
    for measure in measures:
        now, before = measure.read(series.total), measure.read(series.previous_total)
        totals.append(
            {
                "label": measure.label,
                "value": shown(now, measure),
                "previous": shown(before, measure),
                "change": _change(now, before, measure),
                "link": build(figure=measure.key, start=window.first, end=window.end, filters=window.filters),
                "previous_link": build(
                    figure=measure.key, start=window.previous_first, end=window.first, filters=window.filters
                ),
            }
        )
    return totals


def _change(now, before, measure: Measure) -> str:
    if now is None or before is None:
        return ""
    if measure.unit == "%":
        return f"{(now - before) * 100:+.1f} pts"
    return f"{now - before:+,.{measure.digits}f}{(' ' + measure.unit) if measure.unit else ''}"


def _breakdown_rows(rows, *, by, names, measures, links, window) -> list[dict]:
    build = LINK_BUILDERS[links]
    result = []
    for row in rows:
        filters = window.filters | {by: row.value}
        cells = []
        for measure in measures:
            cells.append(
                {
                    "text": shown(measure.read(row.current), measure),
                    "link": build(figure=measure.key, start=window.first, end=window.end, filters=filters),
                }
            )
            cells.append(
                {
                    "text": shown(measure.read(row.previous), measure),
                    "link": build(figure=measure.key, start=window.previous_first, end=window.first, filters=filters),
                }
            )
        result.append({"name": names[by].get(row.value, f"#{row.value}"), "cells": cells})
    return result


def _csv(name: str, charts: list[Chart], window) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{window.grain}-{window.first}-{window.end}.csv"'
    writer = csv.writer(response)
    headers = ["period_start", "period", "previous_period_start"]
    for one in charts:
        headers += [f"{one.title}: {h}" for h in one.headers]
    writer.writerow(headers)
    for i, start in enumerate(window.starts):
        row = [start.isoformat(), period_label(start, window.grain), window.previous_starts[i].isoformat()]
        for one in charts:
            row += [cell["text"] for cell in one.rows[i]["cells"]]
        writer.writerow(row)
    return response


def figures_of(*, dashboard: str, window, by: str) -> tuple[list[Chart], list[dict], list]:
    """A dashboard's charts, totals and breakdown rows, read from the rollups."""
    if dashboard == "service":
        series, specs, links = fig.service_series(window), SERVICE_CHARTS, "incidents"
        rows = fig.service_breakdown(window, by=by, counters=fig.PAGE_BREAKDOWN_COUNTERS)
        totals_spec = SERVICE_TOTALS
    else:
        series, specs, links = fig.sentiment_series(window), SATISFACTION_CHARTS, "messages"
        rows, totals_spec = fig.sentiment_breakdown(window, by=by), SATISFACTION_TOTALS
    charts = [
        chart(key=key, title=title, kind=kind, series=series, measures=measures, links=links)
        for key, title, kind, measures in specs
    ]
    totals = _totals(series, totals_spec, links, window)
    if dashboard == "satisfaction":
        # The surveys' score and response rate, first: one more query (feedback/dashboards/ratings.py).
        surveys = survey_series(window)
        charts = [
            chart(key=key, title=title, kind=kind, series=surveys, measures=measures, links="ratings")
            for key, title, kind, measures in RATING_CHARTS
        ] + charts
        totals = _totals(surveys, RATING_TOTALS, "ratings", window) + totals
    if dashboard == "service" and (self_service := self_service_series(window)) is not None:
        # Deflections beside the portal's incidents: two more queries (feedback/dashboards/self_service.py).
        charts += [
            chart(key=key, title=title, kind=kind, series=self_service, measures=measures, links="deflections")
            for key, title, kind, measures in SELF_SERVICE_CHARTS
        ]
        totals += _totals(self_service, SELF_SERVICE_TOTALS, "deflections", window)
    return charts, totals, rows


def rollups_watermark() -> str:
    """Where the rollups stand (one query): their sources' marks. It moves with every refresh
    or rebuild, so figures cached under it are never older than the rollups they came from."""
    marks = RollupCursor.objects.order_by("source").values_list("source", "high_water", "refreshed_at")
    return "|".join(
        f"{source}:{high.timestamp() if high else ''}:{done.timestamp() if done else ''}"
        for source, high, done in marks
    )


def figures_cached(*, dashboard: str, window, by: str) -> tuple[list[Chart], list[dict], list]:
    """`figures_of`, kept in the cache per view (dashboard, window, filters, breakdown) under
    the rollups' watermark: a manager's second look, or a colleague's, costs one query until the
    next refresh (at most a minute) moves the mark. Not cached before the first refresh."""
    watermark = rollups_watermark()
    if not watermark:
        return figures_of(dashboard=dashboard, window=window, by=by)
    view = f"{dashboard}|{window.grain}|{window.starts[0]}|{len(window.starts)}|{sorted(window.filters.items())}|{by}"
    key = "dashboards:" + hashlib.sha256(f"{watermark}|{view}|{settings.TIME_ZONE}".encode()).hexdigest()
    cached = cache.get(key)
    if cached is None:
        cached = figures_of(dashboard=dashboard, window=window, by=by)
        cache.set(key, cached, FIGURES_CACHE_SECONDS)
    return cached


def _page(request: HttpRequest, *, dashboard: str) -> HttpResponse:
    agent_scope = figures_agent_scope(request.user)
    form = WindowForm(request.GET, agent_scope=agent_scope)
    window = form.window()
    by = form.breakdown()
    charts, totals, rows = figures_cached(dashboard=dashboard, window=window, by=by)
    links = "incidents" if dashboard == "service" else "messages"
    breakdown_measures = (
        [m for m in SERVICE_TOTALS if m.key in BREAKDOWN_SERVICE_FIGURES]
        if dashboard == "service"
        else SATISFACTION_TOTALS
    )
    if request.GET.get("export") == "csv":
        return _csv(dashboard, charts, window)
    names = dimension_names()
    query = request.GET.copy()
    query["export"] = "csv"
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "dashboard": dashboard,
            "form": form,
            "window": window,
            "period_range": f"{window.first:%d %b %Y} – {window.end - timedelta(days=1):%d %b %Y}",
            "previous_range": f"{window.previous_first:%d %b %Y} – {window.first - timedelta(days=1):%d %b %Y}",
            "charts": charts,
            "chart_data": [c.as_json() for c in charts],
            "totals": totals,
            "by": by,
            "by_label": dict(BY_CHOICES)[by],
            "by_choices": [(k, v) for k, v in BY_CHOICES if agent_scope is None or k != "agent"],
            "breakdown_headers": [m.label for m in breakdown_measures],
            "breakdown": _breakdown_rows(
                rows, by=by, names=names, measures=breakdown_measures, links=links, window=window
            ),
            "names": names,
            "filter_values": {name: window.filters.get(name) for name in fig.DIMENSIONS},
            "is_manager": agent_scope is None,
            "csv_query": query.urlencode(),
            "time_zone": settings.TIME_ZONE,
        },
    )


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    figures_agent_scope(request.user)
    return redirect("dashboards:satisfaction")


@login_required
@require_GET
def satisfaction(request: HttpRequest) -> HttpResponse:
    return _page(request, dashboard="satisfaction")


@login_required
@require_GET
def service(request: HttpRequest) -> HttpResponse:
    return _page(request, dashboard="service")
