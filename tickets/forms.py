"""Forms parse and check what a person typed; the services decide what it means."""

from django import forms
from django.contrib.auth.models import User

from .models import (
    Comment,
    Impact,
    Incident,
    IncidentStatus,
    Service,
    SupportGroup,
    Urgency,
    Visibility,
)
from .selectors import agents


class BootstrapForm(forms.Form):
    """Gives every widget Bootstrap's class, so templates render fields with `{{ field }}`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class IncidentRaiseForm(BootstrapForm):
    """What a customer fills in on the portal."""

    title = forms.CharField(
        max_length=Incident._meta.get_field("title").max_length,
        help_text="One line: what is wrong?",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=Incident._meta.get_field("description").max_length,
        help_text="What happened, since when, and what you already tried.",
    )
    service = forms.ModelChoiceField(
        queryset=Service.objects.filter(active=True),
        required=False,
        empty_label="I don't know",
    )
    urgency = forms.TypedChoiceField(
        choices=Urgency.choices, coerce=int, initial=Urgency.MEDIUM, label="How urgent is it?"
    )


class AgentIncidentCreateForm(IncidentRaiseForm):
    impact = forms.TypedChoiceField(choices=Impact.choices, coerce=int, initial=Impact.LOW)


class TransitionForm(BootstrapForm):
    status = forms.ChoiceField(choices=IncidentStatus.choices)
    hold_reason = forms.CharField(
        required=False,
        max_length=Incident._meta.get_field("hold_reason").max_length,
        label="Reason for hold",
    )
    resolution = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=Incident._meta.get_field("resolution").max_length,
        label="Resolution note",
    )

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = set(incident.allowed_transitions())
        self.fields["status"].choices = [(v, label) for v, label in IncidentStatus.choices if v in allowed]


class AssignForm(BootstrapForm):
    assignment_group = forms.ModelChoiceField(
        queryset=SupportGroup.objects.all(), required=False, empty_label="(no group)"
    )
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="(unassigned)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents()
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class CommentForm(BootstrapForm):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=Comment._meta.get_field("body").max_length,
        label="Message",
    )
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.PUBLIC, widget=forms.RadioSelect)


class ReplyForm(BootstrapForm):
    """A customer's reply: always public."""

    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=Comment._meta.get_field("body").max_length,
        label="Your reply",
    )


class ReopenForm(BootstrapForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=Comment._meta.get_field("body").max_length,
        label="What is still wrong?",
    )


def add_service_errors(form: forms.Form, error) -> None:
    """Show a service's ValidationError on the form, beside the field it concerns."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
