"""The dashboards' URL parameters. A value that makes no sense is ignored, not an error: a
stale bookmark still opens the dashboard."""

from datetime import date

from django import forms
from django.utils import timezone

from tickets.models import Channel

from ..rollups.buckets import GRAIN_DAY, GRAIN_MONTH, GRAIN_WEEK, local_day
from .figures import DIMENSIONS, Window

# Windows ending outside these years are refused: three years of months back from year 1 or
# a period after 9999 cannot be counted (nor has the desk any data there).
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2200, 12, 31)
GRAIN_CHOICES = [(GRAIN_DAY, "Days"), (GRAIN_WEEK, "Weeks"), (GRAIN_MONTH, "Months")]
BY_CHOICES = [("service", "Service"), ("channel", "Channel"), ("group", "Assignment group"), ("agent", "Agent")]


class DimensionField(forms.CharField):
    """An id, or "none" (0 in the rollups)."""

    def to_python(self, value):
        value = super().to_python(value).strip()
        if value == "":
            return None
        if value == "none":
            return 0
        try:
            number = int(value)
        except ValueError as error:
            raise forms.ValidationError("Not an id.") from error
        if not 0 < number < 2**31:
            raise forms.ValidationError("Not an id.")
        return number


class WindowForm(forms.Form):
    grain = forms.ChoiceField(choices=GRAIN_CHOICES, required=False, label="Periods")
    periods = forms.IntegerField(required=False, min_value=1, max_value=104, label="How many")
    until = forms.DateField(required=False, label="Ending on", widget=forms.DateInput(attrs={"type": "date"}))
    service = DimensionField(required=False)
    channel = forms.CharField(required=False, max_length=16)
    group = DimensionField(required=False)
    agent = DimensionField(required=False)
    by = forms.ChoiceField(choices=BY_CHOICES, required=False, label="Break down by")

    def __init__(self, data, *, agent_scope: int | None, **kwargs):
        super().__init__(data, **kwargs)
        self.agent_scope = agent_scope
        self.is_valid()

    def clean_until(self):
        until = self.cleaned_data.get("until")
        if until and not EARLIEST_DAY <= until <= LATEST_DAY:
            raise forms.ValidationError("Out of the range the dashboards count.")
        return until

    def value(self, name: str, default=None):
        value = self.cleaned_data.get(name) if name not in self.errors else None
        return default if value in (None, "") else value

    def window(self) -> Window:
        filters = {}
        for name in DIMENSIONS:
            value = self.value(name)
            if name == "channel" and value is not None:
                value = value if value in Channel.values or value == "none" else None
                value = "" if value == "none" else value
            if value is not None:
                filters[name] = value
        if self.agent_scope is not None:
            filters["agent"] = self.agent_scope  # agents see their own figures only
        day: date = self.value("until") or local_day(timezone.now())
        return Window.ending(
            day=day, grain=self.value("grain", GRAIN_WEEK), periods=self.value("periods"), filters=filters
        )

    def breakdown(self) -> str:
        by = self.value("by", "service")
        if self.agent_scope is not None and by == "agent":
            return "service"
        return by
