"""The agents' broadcast form and the managers' policy form."""

from django import forms

from tickets.forms import BootstrapForm
from tickets.models import Service

from .models import ApprovalMode, BroadcastKind, channel_choices

ROLE_CHOICES = [("agent", "Agents"), ("manager", "Managers")]


class BroadcastForm(BootstrapForm):
    kind = forms.ChoiceField(choices=BroadcastKind.choices)
    title = forms.CharField(max_length=200, required=False, help_text="For the status page; the first line if empty.")
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        help_text="Public words: no names, no internal details. A long text becomes a numbered thread on X.",
    )
    channels = forms.MultipleChoiceField(choices=[], widget=forms.CheckboxSelectMultiple)
    services = forms.ModelMultipleChoiceField(queryset=Service.objects.filter(active=True), required=False)
    scheduled_for = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty to publish as soon as it is approved.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].choices = channel_choices()
        self.fields["channels"].widget.attrs["class"] = "form-check-input"


class RejectForm(BootstrapForm):
    reason = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class PolicyForm(BootstrapForm):
    drafter_roles = forms.MultipleChoiceField(choices=ROLE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple)
    approver_roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    approval_mode = forms.ChoiceField(choices=ApprovalMode.choices)
    approvals_needed = forms.IntegerField(min_value=1, max_value=10)
    drafter_may_approve = forms.BooleanField(required=False, label="Whoever drafted may approve")
    banned_phrases = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="One a line; matched ignoring case."
    )
    required_hashtags = forms.CharField(required=False, max_length=500, help_text="Separated by spaces: #ITStatus")
    max_length = forms.IntegerField(required=False, min_value=1, help_text="Counted the channel's way.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("drafter_roles", "approver_roles"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
