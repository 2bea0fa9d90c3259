from django import forms

from .models import NotificationKind


class PreferencesForm(forms.Form):
    """One checkbox per kind the user can receive."""

    def __init__(self, *args, kinds: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, on in kinds.items():
            self.fields[kind] = forms.BooleanField(label=NotificationKind(kind).label, required=False, initial=on)
