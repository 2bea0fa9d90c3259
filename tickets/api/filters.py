"""Query-string filters of the list endpoints (django-filter).

Ids are filtered as plain integers on the foreign key column: no query to check that the
object exists (an unknown id simply matches nothing), so filtering costs no extra query.
Multiple-choice filters join nothing, so they skip django-filter's DISTINCT (which would
sort every matching row on every column).
"""

import re
from datetime import UTC, datetime

import django_filters
from django import forms
from django.db.models import QuerySet
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from ..models import Channel, Comment, Contact, Incident, IncidentStatus, Priority, Problem, ProblemStatus, Visibility
from ..selectors import incident_search_q

MAX_ID = 2**63 - 1
INCIDENT_NUMBER = re.compile(r"INC\d{7,}", re.IGNORECASE)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.Filter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class TrueOrFalseField(forms.Field):
    """`true` or `false` (or 1 / 0), as the schema's boolean reads in a query string; anything
    else is a 400. Django's null-boolean field would read `null` or `maybe` as "not given" and
    answer every row."""

    def to_python(self, value) -> bool | None:
        if value in (None, ""):
            return None
        word = str(value).strip().lower()
        if word in ("true", "1"):
            return True
        if word in ("false", "0"):
            return False
        raise forms.ValidationError("Give true or false.", code="invalid")


class TrueOrFalseFilter(django_filters.BooleanFilter):
    field_class = TrueOrFalseField


class UTCDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, handed to the database in UTC: PostgreSQL refuses offsets beyond
    ±15:59 that ISO allows (and Python parses), which would otherwise be a 500."""

    def to_python(self, value) -> datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except OverflowError:  # year 1 minus an offset, year 9999 plus one
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class TimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


class IncidentFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=IncidentStatus.choices, distinct=False, help_text="Repeat for several."
    )
    priority = django_filters.TypedMultipleChoiceFilter(
        choices=Priority.choices,
        coerce=int,
        distinct=False,
        help_text="1 (critical) to 5 (planning); repeat for several.",
    )
    channel = django_filters.MultipleChoiceFilter(
        choices=Channel.choices, distinct=False, help_text="Repeat for several."
    )
    service = IdFilter(field_name="service_id", help_text="Service id.")
    assignee = IdFilter(field_name="assignee_id", help_text="User id of the assignee.")
    unassigned = TrueOrFalseFilter(field_name="assignee", lookup_expr="isnull", help_text="No assignee.")
    assignment_group = IdFilter(field_name="assignment_group_id", help_text="Support group id.")
    reporter = IdFilter(field_name="reporter_id", help_text="Contact id of the reporter.")
    problem = django_filters.CharFilter(field_name="problem__number", help_text="Problem number (PRB…).")
    major = TrueOrFalseFilter()
    created_after = TimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = TimeFilter(field_name="created_at", lookup_expr="lt")
    updated_after = TimeFilter(field_name="updated_at", lookup_expr="gte")
    updated_before = TimeFilter(field_name="updated_at", lookup_expr="lt")
    search = django_filters.CharFilter(
        method="search_incidents",
        help_text=(
            "An incident number (exact), or words that must all appear in the title, the description or "
            'a comment, as the console searches: "a phrase", -word to leave out.'
        ),
    )

    class Meta:
        model = Incident
        fields = []

    def search_incidents(self, queryset: QuerySet[Incident], name: str, value: str) -> QuerySet[Incident]:
        # The console's search, full text on PostgreSQL: words that are common but never
        # together cost a GIN lookup, not a walk of the whole table (1.7 s at p95 with a
        # case-insensitive scan of the titles at 1,000,000 incidents).
        return queryset.filter(incident_search_q(query=value))


class ProblemFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=ProblemStatus.choices, distinct=False, help_text="Repeat for several."
    )
    service = IdFilter(field_name="service_id", help_text="Service id.")
    assignee = IdFilter(field_name="assignee_id", help_text="User id of the assignee.")

    class Meta:
        model = Problem
        fields = []


class CommentFilter(django_filters.FilterSet):
    visibility = django_filters.ChoiceFilter(choices=Visibility.choices)

    class Meta:
        model = Comment
        fields = []


class ContactFilter(django_filters.FilterSet):
    email = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Contact
        fields = []
