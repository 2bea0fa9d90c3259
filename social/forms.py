"""Forms of the social pages."""

from urllib.parse import urlencode

from django import forms
from django.utils.choices import CallableChoiceIterator

from . import platforms
from .events import Kind
from .judgement import INTENT_CHOICES
from .models import MessageState
from .selectors import INBOX_DIRECTIONS, InboxFilters


class InboxFilterForm(forms.Form):
    """The Social page's URL parameters. A value that makes no sense is ignored, not an
    error: a stale bookmark still opens the page."""

    direction = forms.ChoiceField(required=False, choices=INBOX_DIRECTIONS)
    channel = forms.ChoiceField(
        required=False, choices=CallableChoiceIterator(lambda: [("", "Any channel"), *platforms.channel_choices()])
    )
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *Kind.CHOICES])
    state = forms.ChoiceField(required=False, choices=[("", "Any state"), *MessageState.choices])
    # Praise, thanks and chatter are kept as feedback: this finds them (or the questions).
    intent = forms.ChoiceField(required=False, choices=[("", "Any intent"), *INTENT_CHOICES])

    def __init__(self, data, **kwargs):
        data = data.copy()
        data.setdefault("direction", InboxFilters.direction)
        super().__init__(data, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> InboxFilters:
        self.is_valid()
        return InboxFilters(**{name: self.cleaned_data.get(name) or "" for name in InboxFilters.__dataclass_fields__})

    def query_string(self) -> str:
        filters = self.filters()
        return urlencode({name: getattr(filters, name) for name in InboxFilters.__dataclass_fields__})


class ReplayForm(forms.Form):
    event_ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), label="Events")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted; events_replay only touches those that failed.
        self.fields["event_ids"].valid_value = lambda value: True
        self.fields["event_ids"].error_messages["required"] = "Choose at least one event to replay."
