"""Forms of the listening pages."""

from datetime import datetime, time
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils.choices import CallableChoiceIterator

from social import platforms
from social.judgement import INTENT_CHOICES
from tickets.models import Service

from .models import SENTIMENT_LABELS, ListeningQuery
from .selectors import CONVERTED, NOT_CONVERTED, HeardFilters

STATES = [("", "Any"), (NOT_CONVERTED, "Not an incident"), (CONVERTED, "Made an incident")]


def _listening_channels() -> list[tuple[str, str]]:
    return [("", "Any channel")] + [(p.channel, p.label) for p in platforms.registered() if p.capabilities.listening]


class HeardFilterForm(forms.Form):
    """The Listening page's URL parameters. A value that makes no sense is ignored, not an
    error: a stale bookmark still opens the page."""

    text = forms.CharField(required=False, max_length=200, label="Text")
    service = forms.ModelChoiceField(required=False, queryset=Service.objects.all(), empty_label="Any service")
    channel = forms.ChoiceField(required=False, choices=CallableChoiceIterator(_listening_channels))
    sentiment = forms.ChoiceField(required=False, choices=[("", "Any sentiment"), *SENTIMENT_LABELS])
    intent = forms.ChoiceField(required=False, choices=[("", "Any intent"), *INTENT_CHOICES])
    query = forms.ModelChoiceField(required=False, queryset=ListeningQuery.objects.all(), empty_label="Any query")
    state = forms.ChoiceField(required=False, choices=STATES)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="From")
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="To")

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        for name, field in self.fields.items():
            css = "form-control form-control-sm" if name in ("text", "since", "until") else "form-select form-select-sm"
            field.widget.attrs["class"] = css

    def filters(self) -> HeardFilters:
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        zone = ZoneInfo(settings.TIME_ZONE)
        since, until = data.get("since"), data.get("until")
        service, query = data.get("service"), data.get("query")
        return HeardFilters(
            service=service.pk if service else None,
            channel=data.get("channel") or "",
            sentiment=data.get("sentiment") or "",
            intent=data.get("intent") or "",
            query=query.pk if query else None,
            text=(data.get("text") or "").strip(),
            since=datetime.combine(since, time.min, tzinfo=zone) if since else None,
            # "To" a day includes that day.
            until=datetime.combine(until, time.max, tzinfo=zone) if until else None,
            state=data.get("state") or "",
        )

    def query_string(self) -> str:
        self.is_valid()
        values = {}
        for name in self.fields:
            if name in self.errors:
                continue
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            values[name] = value.pk if hasattr(value, "pk") else value
        return urlencode(values)


class QueryForm(forms.Form):
    name = forms.CharField(max_length=100)
    service = forms.ModelChoiceField(
        required=False,
        queryset=Service.objects.filter(active=True),
        empty_label="The organisation as a whole",
        help_text="What is heard is filed under this service.",
    )
    terms = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text='One a line: words, phrases ("VPN down"), #hashtags, the organisation\'s names. Any of them matches.',
    )
    excluded_terms = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Excluded terms",
        help_text="One a line: posts with any of these are not heard.",
    )
    active = forms.BooleanField(required=False, initial=True, help_text="Listen for it now.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name == "active":
                field.widget.attrs["class"] = "form-check-input"
            elif name == "service":
                field.widget.attrs["class"] = "form-select"
            else:
                field.widget.attrs["class"] = "form-control"

    @classmethod
    def for_query(cls, query: ListeningQuery) -> "QueryForm":
        return cls(
            initial={
                "name": query.name,
                "service": query.service_id,
                "terms": query.terms,
                "excluded_terms": query.excluded_terms,
                "active": query.active,
            }
        )
