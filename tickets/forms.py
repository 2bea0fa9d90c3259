"""Forms parse and check what a person typed; the services decide what it means."""

import re
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.template.defaultfilters import filesizeformat

from .models import (
    AGENT_RAISED_CHANNELS,
    Channel,
    Comment,
    Contact,
    Impact,
    Incident,
    IncidentStatus,
    Macro,
    MacroStatus,
    NotIncidentKind,
    Priority,
    Problem,
    ProblemStatus,
    Service,
    SupportGroup,
    Urgency,
    Visibility,
)
from .selectors import (
    QUEUE_ASSIGNEE_FILTERS,
    QUEUE_SLA_FILTERS,
    QUEUE_SORTS,
    QUEUE_STATUS_FILTERS,
    AssignmentChoices,
    QueueFilters,
    agents,
)


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


NEW_REPORTER = "new"


class IncidentNewForm(BootstrapForm):
    """What an agent fills in for somebody who called, came to the desk or wrote in a chat.

    `reporter` is a contact's id (found with `reporter_q`, which is only kept so a form shown
    again still lists what was found) or "new", with `reporter_name` and `reporter_email`.
    `same_as` is the open incident the agent said this is ("This is the same")."""

    reporter = forms.CharField(required=False, max_length=20)
    reporter_q = forms.CharField(required=False, max_length=200, label="Find the person")
    reporter_name = forms.CharField(required=False, max_length=Contact._meta.get_field("name").max_length, label="Name")
    reporter_email = forms.EmailField(
        required=False, label="E-mail", help_text="For the satisfaction survey, and to find them next time."
    )
    channel = forms.TypedChoiceField(
        choices=[(c, Channel(c).label) for c in AGENT_RAISED_CHANNELS],
        initial=Channel.PHONE,
        widget=forms.RadioSelect,
        label="They told you by",
    )
    title = forms.CharField(
        max_length=Incident._meta.get_field("title").max_length, help_text="One line: what is wrong?"
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=Incident._meta.get_field("description").max_length,
        help_text="In their words: what happened, since when, what they tried.",
    )
    service = forms.ModelChoiceField(
        queryset=Service.objects.filter(active=True), required=False, empty_label="(none yet)"
    )
    # Set by the page while the service shown is the desk's suggestion, not the agent's choice.
    service_suggested = forms.BooleanField(required=False, widget=forms.HiddenInput)
    impact = forms.TypedChoiceField(choices=Impact.choices, coerce=int, initial=Impact.LOW)
    urgency = forms.TypedChoiceField(choices=Urgency.choices, coerce=int, initial=Urgency.LOW)
    assignment_group = forms.ModelChoiceField(
        queryset=SupportGroup.objects.all(),
        required=False,
        empty_label="(the service's team)",
        label="Assignment group",
    )
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="(unassigned)")
    same_as = forms.CharField(required=False, max_length=Incident._meta.get_field("number").max_length)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents()
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["reporter_q"].widget.attrs.update(
            {"type": "search", "autocomplete": "off", "placeholder": "Name, e-mail or @handle"}
        )
        self.fields["reporter_name"].widget.attrs["autocomplete"] = "off"
        self.fields["reporter_email"].widget.attrs["autocomplete"] = "off"

    def chosen_contact_id(self) -> int | None:
        """The contact picked, as posted (to show it picked again), or None."""
        value = (self.data.get("reporter") or "").strip() if self.is_bound else ""
        return int(value) if value.isdigit() and 0 < int(value) < 2**63 else None

    def clean(self):
        data = super().clean()
        chosen = (data.get("reporter") or "").strip()
        name, email = (data.get("reporter_name") or "").strip(), data.get("reporter_email") or ""
        if chosen == NEW_REPORTER or (not chosen and (name or email)):
            if not name:
                self.add_error("reporter_name", "Give the new person's name, or find them above.")
            data["reporter"] = NEW_REPORTER
        elif self.chosen_contact_id() is not None:
            data["reporter"] = self.chosen_contact_id()
        else:
            self.add_error("reporter", "Choose who reported it: find them, or give a new person's name.")
        return data


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


class NotIncidentForm(BootstrapForm):
    kind = forms.ChoiceField(choices=NotIncidentKind.choices, widget=forms.RadioSelect, label="It is")
    reason = forms.CharField(
        max_length=Incident._meta.get_field("not_incident_reason").max_length,
        label="Why",
        help_text="Cancels it and stops its SLA clocks; the message stays. Reports count it apart.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="not_incident", **kwargs)


class AssignForm(BootstrapForm):
    assignment_group = forms.ModelChoiceField(
        queryset=SupportGroup.objects.all(), required=False, empty_label="(no group)"
    )
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="(unassigned)")

    def __init__(self, *args, choices: AssignmentChoices | None = None, **kwargs):
        """`choices`: the groups and agents to offer, read beforehand (`assignment_choices`,
        one query for both); without them each field reads its own. What is posted is
        checked against the fields' querysets either way."""
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents()
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        if choices is not None:
            self.fields["assignment_group"].choices = [("", "(no group)"), *choices.groups]
            self.fields["assignee"].choices = [("", "(unassigned)"), *choices.agents]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Any number of files from one input (none is fine); the services check what they hold."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Attach files")
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(AttachmentsField, self).clean(file, initial) for file in files if file]


def attachments_help() -> str:
    return f"Screenshots, logs, PDFs: up to {filesizeformat(settings.ATTACHMENT_MAX_BYTES)} each."


class CommentForm(BootstrapForm):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=Comment._meta.get_field("body").max_length,
        label="Message",
    )
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.PUBLIC, widget=forms.RadioSelect)
    file = AttachmentsField()
    # The saved reply it was written from, when that reply also sets status or assignment.
    macro = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = attachments_help()


class MacroForm(BootstrapForm):
    """A saved reply. `shared` only when a manager creates one (it does not change later)."""

    name = forms.CharField(max_length=Macro._meta.get_field("name").max_length)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=Macro._meta.get_field("body").max_length,
        label="Text",
        help_text="Placeholders are filled in when the reply is inserted: {{reporter_name}}, "
        "{{reporter_first_name}}, {{incident_number}}, {{incident_title}}, {{service}}, "
        "{{agent_name}}, {{agent_first_name}}.",
    )
    shared = forms.BooleanField(required=False, label="Shared with every agent")
    set_status = forms.ChoiceField(
        choices=[("", "Leave the status"), *MacroStatus.choices], required=False, label="When sent, set the status"
    )
    assign_to_sender = forms.BooleanField(required=False, label="When sent, assign the incident to whoever sends it")
    assignment_group = forms.ModelChoiceField(
        queryset=SupportGroup.objects.all(),
        required=False,
        empty_label="(leave the group)",
        label="When sent, assign the incident to the group",
    )

    def __init__(self, *args, instance: Macro | None = None, manages_shared: bool = False, **kwargs):
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "body": instance.body,
                    "set_status": instance.set_status,
                    "assign_to_sender": instance.assign_to_sender,
                    "assignment_group": instance.assignment_group_id,
                },
            )
        super().__init__(*args, **kwargs)
        if instance is not None or not manages_shared:
            del self.fields["shared"]


class ReplyForm(BootstrapForm):
    """A customer's reply: always public."""

    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=Comment._meta.get_field("body").max_length,
        label="Your reply",
    )
    file = AttachmentsField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = attachments_help()


class ReopenForm(BootstrapForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=Comment._meta.get_field("body").max_length,
        label="What is still wrong?",
    )


# --- the console ------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    """The queue's URL parameters. A value that makes no sense is ignored, not an error: a
    stale bookmark still opens the queue."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    status = forms.ChoiceField(required=False, choices=QUEUE_STATUS_FILTERS)
    priority = forms.TypedChoiceField(
        required=False, choices=[("", "Any priority"), *Priority.choices], coerce=int, empty_value=None
    )
    channel = forms.ChoiceField(required=False, choices=[("", "Any channel"), *Channel.choices])
    service = forms.ModelChoiceField(required=False, queryset=Service.objects.all(), empty_label="Any service")
    assignee = forms.ChoiceField(required=False, choices=QUEUE_ASSIGNEE_FILTERS, label="Assignee")
    sla = forms.ChoiceField(required=False, choices=QUEUE_SLA_FILTERS, label="SLA")
    sort = forms.ChoiceField(required=False, choices=[(k, s.label) for k, s in QUEUE_SORTS.items()])
    # The incidents behind a dashboard figure: set by its link, kept while other filters change.
    opened = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    responded = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    resolved = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    open_on = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    group = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    agent = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    no_service = forms.BooleanField(required=False, widget=forms.HiddenInput)

    FIGURE_FILTERS = ("opened", "responded", "resolved", "open_on", "group", "agent", "no_service")

    def __init__(self, data, **kwargs):
        data = data.copy()
        data.setdefault("status", "open")
        super().__init__(data, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.update(
                {"class": "form-select form-select-sm" if name != "q" else "form-control form-control-sm"}
            )
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update({"placeholder": "Title, description, comments or a number (press /)"})

    def filters(self) -> QueueFilters:
        self.is_valid()
        values = {}
        for name in QueueFilters.__dataclass_fields__:
            if name in self.cleaned_data and self.cleaned_data[name] not in (None, ""):
                value = self.cleaned_data[name]
                values[name] = value.pk if name == "service" else value
        if self.data.get("status") == "":
            values["status"] = ""  # "All" is an explicit empty choice
        return QueueFilters(**values)

    def figure_filters(self) -> list[tuple[str, str]]:
        """The dashboard figure's filters in force, to say so above the queue."""
        filters = self.filters()
        return [
            (name.replace("_", " "), getattr(filters, name)) for name in self.FIGURE_FILTERS if getattr(filters, name)
        ]

    def query_string(self) -> str:
        """The filters as URL parameters, without the page cursor."""
        filters = self.filters()
        params = {
            name: getattr(filters, name)
            for name in QueueFilters.__dataclass_fields__
            if getattr(filters, name) != getattr(QueueFilters, name)
        }
        return urlencode({k: "" if v is None else v for k, v in params.items()})


class SavedViewForm(BootstrapForm):
    name = forms.CharField(max_length=60, label="View name")
    shared = forms.BooleanField(required=False, label="Share with every agent")
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)


BULK_ACTIONS = [
    ("assign", "Assign to"),
    ("assign_me", "Assign to me"),
    ("status", "Change status to"),
]


class BulkActionForm(BootstrapForm):
    incidents = forms.TypedMultipleChoiceField(coerce=int, choices=(), label="Selected incidents")
    action = forms.ChoiceField(choices=BULK_ACTIONS)
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="(unassigned)")
    status = forms.ChoiceField(choices=IncidentStatus.choices, required=False)
    note = forms.CharField(required=False, max_length=500, label="Hold reason or resolution note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents()
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        # Any id is accepted here; the selector keeps only the incidents the agent may see.
        self.fields["incidents"].valid_value = lambda value: True
        self.fields["incidents"].error_messages["required"] = "Select at least one incident."


class PriorityForm(BootstrapForm):
    impact = forms.TypedChoiceField(choices=Impact.choices, coerce=int)
    urgency = forms.TypedChoiceField(choices=Urgency.choices, coerce=int)
    major = forms.BooleanField(required=False, label="Major incident")


class ProblemLinkForm(BootstrapForm):
    problem = forms.ModelChoiceField(
        queryset=Problem.objects.exclude(status=ProblemStatus.CLOSED),
        error_messages={"invalid_choice": "Choose an open problem from the list."},
    )

    def chosen_problem(self) -> Problem | None:
        """The open problem chosen, when the form comes back (a link refused because the
        incident changed keeps the choice)."""
        return self.cleaned_data.get("problem") if self.is_bound and self.is_valid() else None


class ProblemForm(BootstrapForm):
    title = forms.CharField(max_length=Problem._meta.get_field("title").max_length)
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=Problem._meta.get_field("description").max_length,
    )
    service = forms.ModelChoiceField(queryset=Service.objects.all(), required=False, empty_label="(none)")
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="(unassigned)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents()
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class ProblemCreateForm(ProblemForm):
    incidents = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incidents"].valid_value = lambda value: True


class ProblemEditForm(ProblemForm):
    root_cause = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=Problem._meta.get_field("root_cause").max_length,
    )
    workaround = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=Problem._meta.get_field("workaround").max_length,
    )


class ProblemTransitionForm(BootstrapForm):
    status = forms.ChoiceField(choices=ProblemStatus.choices)
    resolve_incidents_note = forms.CharField(
        required=False,
        max_length=Incident._meta.get_field("resolution").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Also resolve the open linked incidents with this note (optional)",
    )

    def __init__(self, *args, problem: Problem, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = set(problem.allowed_transitions())
        self.fields["status"].choices = [(v, label) for v, label in ProblemStatus.choices if v in allowed]


class ProblemIncidentsForm(BootstrapForm):
    numbers = forms.CharField(
        max_length=2000, label="Incident numbers", help_text="One or more, separated by spaces or commas."
    )

    def clean_numbers(self) -> list[str]:
        numbers = [n.upper() for n in re.split(r"[\s,;]+", self.cleaned_data["numbers"]) if n]
        bad = [n for n in numbers if not re.fullmatch(r"INC\d{7}", n)]
        if bad:
            raise forms.ValidationError(f"Not an incident number: {', '.join(bad[:5])}.")
        return numbers


class NoteForm(BootstrapForm):
    """A note on a problem: problems are internal, so are their notes."""

    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=Comment._meta.get_field("body").max_length, label="Note"
    )
