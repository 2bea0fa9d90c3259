"""`/api/v1/metrics/…`: the dashboards' figures as JSON, read from the rollups like the pages
(managers every figure, agents their own, customers none)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.views import ServiceDeskAPIView
from tickets.api.permissions import IsAgent

from ..dashboards import figures as fig
from ..dashboards.access import figures_agent_scope
from ..dashboards.forms import WindowForm
from ..dashboards.links import LINK_BUILDERS
from ..dashboards.self_service import SelfServiceFigures, self_service_series
from ..dashboards.views import dimension_names
from . import serializers as s


def service_figures(figures: fig.ServiceFigures) -> dict:
    return {
        "opened": figures.opened,
        "resolved": figures.resolved,
        "not_incidents": figures.not_incidents,
        "backlog": figures.backlog,
        "responded": figures.responded,
        "response_breached": figures.response_breached,
        "response_met": figures.response_met,
        "resolution_breached": figures.resolution_breached,
        "resolution_met": figures.resolution_met,
        "first_response_minutes": {"median": figures.response_median, "p90": figures.response_p90},
        "resolution_minutes": {"median": figures.resolution_median, "p90": figures.resolution_p90},
    }


def self_service_figures(figures: SelfServiceFigures) -> dict:
    return {
        "deflections": figures.deflections,
        "portal_incidents": figures.raised,
        "deflection_rate": figures.rate,
    }


def sentiment_figures(figures: fig.SentimentFigures) -> dict:
    return {
        "messages": figures.messages,
        "negative": figures.negative,
        "negative_share": figures.negative_share,
        "average_sentiment": figures.average_sentiment,
    }


class MetricsView(ServiceDeskAPIView):
    permission_classes = [IsAgent]
    validates_query = True  # a parameter it cannot use is a 400 (documented in the schema)
    series = None
    breakdown = None
    shape = None
    link_kind = ""
    link_figure = ""  # the figure each period's link lists
    query_serializer = s.MetricsQuerySerializer

    def answer(self, request: Request) -> Response:
        query = self.query_serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        agent_scope = figures_agent_scope(request.user)
        form = WindowForm(request.query_params, agent_scope=agent_scope)
        window = form.window()
        series = self.read(window, agent_scope=agent_scope, by=query.validated_data.get("by"))
        shape = type(self).shape

        def periods(starts, figures):
            build, figure = LINK_BUILDERS[self.link_kind], self.link_figure
            return [
                {
                    "start": start,
                    "end": window.period_end(start),
                    "figures": shape(one),
                    "link": request.build_absolute_uri(
                        build(figure=figure, start=start, end=window.period_end(start), filters=window.filters)
                    ),
                }
                for start, one in zip(starts, figures, strict=True)
            ]

        data = {
            "grain": window.grain,
            "time_zone": settings.TIME_ZONE,
            "filters": {k: ("none" if v in (0, "") else v) for k, v in window.filters.items()},
            "periods": periods(window.starts, series.current),
            "previous_periods": periods(window.previous_starts, series.previous),
            "total": shape(series.total),
            "previous_total": shape(series.previous_total),
        }
        if query.validated_data.get("by"):
            by = form.breakdown()
            names = dimension_names()[by]
            data["breakdown"] = [
                {
                    "value": "none" if row.value in (0, "") else str(row.value),
                    "name": names.get(row.value, f"#{row.value}"),
                    "figures": shape(row.current),
                    "previous": shape(row.previous),
                }
                for row in type(self).breakdown(window, by=by)
            ]
        return Response(data)

    def read(self, window, *, agent_scope: int | None, by: str | None) -> fig.Series:
        return type(self).series(window)


WINDOW_HELP = (
    "Days, weeks (from Monday) or months in the desk's time zone, ending with the one holding `until`, and as "
    "many periods before them (the previous period). Read from rollups kept as data arrives (refreshed every "
    "minute). Managers get every figure; agents the figures of their own incidents; customers 403."
)


class ServiceMetricsView(MetricsView):
    """Incident figures: volume, backlog, SLA compliance, response and resolution times."""

    series = staticmethod(fig.service_series)
    breakdown = staticmethod(fig.service_breakdown)
    shape = staticmethod(service_figures)
    link_kind = "incidents"
    link_figure = "opened"

    @extend_schema(
        summary="Service figures per period",
        description=WINDOW_HELP + " Medians and 90th percentiles are in minutes, read from duration bins.",
        parameters=[s.MetricsQuerySerializer],
        responses=s.ServiceMetricsSerializer,
    )
    def get(self, request: Request) -> Response:
        return self.answer(request)


class SentimentMetricsView(MetricsView):
    """What people wrote: scored messages, their average sentiment and the share of negative ones."""

    series = staticmethod(fig.sentiment_series)
    breakdown = staticmethod(fig.sentiment_breakdown)
    shape = staticmethod(sentiment_figures)
    link_kind = "messages"
    link_figure = "messages"

    @extend_schema(
        summary="Sentiment figures per period",
        description=WINDOW_HELP,
        parameters=[s.MetricsQuerySerializer],
        responses=s.SentimentMetricsSerializer,
    )
    def get(self, request: Request) -> Response:
        return self.answer(request)


class SelfServiceMetricsView(MetricsView):
    """Self-service: deflections (a published known error or outage solved it, nothing was
    raised), the incidents raised on the portal, and the deflection rate. Managers only."""

    series = staticmethod(self_service_series)
    shape = staticmethod(self_service_figures)
    link_kind = "deflections"
    link_figure = "deflections"
    query_serializer = s.SelfServiceQuerySerializer

    def read(self, window, *, agent_scope: int | None, by: str | None) -> fig.Series:
        if agent_scope is not None:
            raise PermissionDenied("Self-service figures are for managers.")
        if by:
            raise ValidationError({"by": ["Self-service figures have no breakdown."]})
        series = self_service_series(window)
        if series is None:
            raise ValidationError(
                {"filters": ["Deflections have no group or agent, and come from the portal (channel web) only."]}
            )
        return series

    @extend_schema(
        summary="Self-service figures per period",
        description=WINDOW_HELP.replace("agents the figures of their own incidents; ", "agents 403; ")
        + " `deflection_rate` is deflections ÷ (deflections + incidents raised on the portal); filters: `service`, "
        "and `channel` only `web` (a `group`, an `agent` or another channel is a 400); no `by`.",
        parameters=[s.SelfServiceQuerySerializer],
        responses=s.SelfServiceMetricsSerializer,
    )
    def get(self, request: Request) -> Response:
        return self.answer(request)
