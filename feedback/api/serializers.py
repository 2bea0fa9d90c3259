"""The dashboards' figures as JSON: output serializers only (the endpoints take no input body)."""

from rest_framework import serializers

from tickets.models import Channel

from ..dashboards.forms import EARLIEST_DAY, LATEST_DAY
from ..rollups.buckets import GRAIN_DAY, GRAIN_MONTH, GRAIN_WEEK

# A dimension's id as the dashboards' rollups keep it, or "none" for incidents without one. A
# filter the API cannot use is a 400, never silently dropped (that would answer every row).
DIMENSION_ID = r"^(none|[1-9][0-9]{0,8})$"


class MetricsQuerySerializer(serializers.Serializer):
    """The query parameters (as the dashboards' URL): a window of periods and filters. An empty
    parameter (`?agent=`, as a form leaves it) means the parameter is not given, so the schema
    allows it."""

    grain = serializers.ChoiceField(
        [GRAIN_DAY, GRAIN_WEEK, GRAIN_MONTH], required=False, allow_blank=True, default=GRAIN_WEEK
    )
    periods = serializers.IntegerField(
        required=False, min_value=1, max_value=104, help_text="How many periods (default 30 days, 12 weeks, 12 months)."
    )
    until = serializers.DateField(required=False, help_text="A day of the last period (default today, desk's time).")
    service = serializers.RegexField(
        DIMENSION_ID, required=False, allow_blank=True, help_text='A service id, or "none".'
    )
    channel = serializers.ChoiceField([], required=False, allow_blank=True, help_text='A channel, or "none".')
    group = serializers.RegexField(
        DIMENSION_ID, required=False, allow_blank=True, help_text='An assignment group id, or "none".'
    )
    agent = serializers.RegexField(
        DIMENSION_ID, required=False, allow_blank=True, help_text='An agent\'s user id, or "none" (managers only).'
    )
    by = serializers.ChoiceField(
        ["service", "channel", "group", "agent"],
        required=False,
        allow_blank=True,
        help_text="Add a breakdown by this dimension.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when used: channels registered by other apps are choices too.
        self.fields["channel"].choices = [*Channel.values, "none"]

    def validate_until(self, value):
        if not EARLIEST_DAY <= value <= LATEST_DAY:
            raise serializers.ValidationError(f"Must be between {EARLIEST_DAY} and {LATEST_DAY}.")
        return value


class SelfServiceQuerySerializer(MetricsQuerySerializer):
    """Self-service figures' parameters: deflections come from the portal only and have no
    assignment, so no group, agent, other channel or breakdown (the schema says so)."""

    group = None
    agent = None
    by = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = ["web"]
        self.fields["channel"].help_text = 'Only "web": deflections happen on the portal.'

    def validate(self, attrs):
        # Not in the schema, but said, not silently ignored, when sent.
        given = {name for name in ("group", "agent", "by") if self.initial_data.get(name)}
        if "by" in given:
            raise serializers.ValidationError({"by": ["Self-service figures have no breakdown."]})
        if given:
            raise serializers.ValidationError(
                {name: ["Deflections have no group or agent: they come from the portal."] for name in sorted(given)}
            )
        return super().validate(attrs)


class DurationSerializer(serializers.Serializer):
    median = serializers.FloatField(allow_null=True)
    p90 = serializers.FloatField(allow_null=True)


class ServiceFiguresSerializer(serializers.Serializer):
    opened = serializers.IntegerField()
    resolved = serializers.IntegerField()
    not_incidents = serializers.IntegerField(
        help_text="Of those opened, closed as not an incident (a thanks, spam, chatter): never counted as resolved."
    )
    backlog = serializers.IntegerField(allow_null=True, help_text="Open at the end of the period.")
    responded = serializers.IntegerField(help_text="First responses given in the period.")
    response_breached = serializers.IntegerField()
    response_met = serializers.FloatField(allow_null=True, help_text="Share of first responses on time (0 … 1).")
    resolution_breached = serializers.IntegerField()
    resolution_met = serializers.FloatField(allow_null=True, help_text="Share of resolutions on time (0 … 1).")
    first_response_minutes = DurationSerializer()
    resolution_minutes = DurationSerializer()


class SentimentFiguresSerializer(serializers.Serializer):
    messages = serializers.IntegerField()
    negative = serializers.IntegerField()
    negative_share = serializers.FloatField(allow_null=True)
    average_sentiment = serializers.FloatField(allow_null=True, help_text="-1 … 1")


class SelfServiceFiguresSerializer(serializers.Serializer):
    deflections = serializers.IntegerField(help_text="Suggestions that solved it: nothing was raised.")
    portal_incidents = serializers.IntegerField(help_text="Incidents raised on the portal (channel web).")
    deflection_rate = serializers.FloatField(
        allow_null=True, help_text="deflections ÷ (deflections + portal_incidents), 0 … 1; null when both are 0."
    )


def _period(figures_serializer):
    class PeriodSerializer(serializers.Serializer):
        start = serializers.DateField()
        end = serializers.DateField(help_text="The day after the period.")
        figures = figures_serializer()
        link = serializers.CharField(help_text="The page listing what the period counts.")

    PeriodSerializer.__name__ = f"{figures_serializer.__name__.removesuffix('FiguresSerializer')}PeriodSerializer"
    return PeriodSerializer


def _breakdown(figures_serializer):
    class BreakdownSerializer(serializers.Serializer):
        value = serializers.CharField(help_text='The dimension\'s id or channel; "none" for none.')
        name = serializers.CharField()
        figures = figures_serializer()
        previous = figures_serializer()

    BreakdownSerializer.__name__ = f"{figures_serializer.__name__.removesuffix('FiguresSerializer')}BreakdownSerializer"
    return BreakdownSerializer


def metrics_serializer(figures_serializer, name: str):
    period = _period(figures_serializer)

    class MetricsSerializer(serializers.Serializer):
        grain = serializers.CharField()
        time_zone = serializers.CharField()
        filters = serializers.DictField(help_text="The filters in force (an agent's own id for agents).")
        periods = period(many=True)
        previous_periods = period(many=True)
        total = figures_serializer()
        previous_total = figures_serializer()
        breakdown = _breakdown(figures_serializer)(many=True, required=False)

    MetricsSerializer.__name__ = name
    return MetricsSerializer


ServiceMetricsSerializer = metrics_serializer(ServiceFiguresSerializer, "ServiceMetricsSerializer")
SentimentMetricsSerializer = metrics_serializer(SentimentFiguresSerializer, "SentimentMetricsSerializer")
SelfServiceMetricsSerializer = metrics_serializer(SelfServiceFiguresSerializer, "SelfServiceMetricsSerializer")
