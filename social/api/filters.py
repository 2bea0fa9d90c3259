"""Query-string filters of the social endpoints (django-filter)."""

import django_filters
from django.db.models import QuerySet
from django.utils.choices import CallableChoiceIterator

from .. import platforms
from ..events import Kind
from ..models import Direction, MessageState, SocialMessage


class SocialMessageFilter(django_filters.FilterSet):
    channel = django_filters.MultipleChoiceFilter(
        choices=CallableChoiceIterator(platforms.channel_choices), distinct=False, help_text="Repeat for several."
    )
    direction = django_filters.ChoiceFilter(choices=Direction.choices)
    kind = django_filters.MultipleChoiceFilter(choices=Kind.CHOICES, distinct=False, help_text="Repeat for several.")
    state = django_filters.MultipleChoiceFilter(
        choices=MessageState.choices, distinct=False, help_text="Repeat for several."
    )
    external_id = django_filters.CharFilter(help_text="The platform's id of the message (exact).")
    incident = django_filters.CharFilter(
        method="of_incident", help_text="Incident number (INC…): the messages in and out of that incident."
    )

    class Meta:
        model = SocialMessage
        fields = []

    def of_incident(self, queryset: QuerySet[SocialMessage], name: str, value: str) -> QuerySet[SocialMessage]:
        return queryset.filter(incident__number=value.strip().upper())
