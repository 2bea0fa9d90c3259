"""An agent raises an incident for somebody who called, came to the desk or wrote in a chat,
or, when it is one the desk already has open, adds them to it instead of raising a duplicate.

The person is a contact the agent found, or somebody new (`NewContact`), made a contact in the
same transaction as what they reported: a refused incident leaves no contact behind.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from servicedesk.errors import state_conflict

from ..access import is_agent
from ..models import (
    AGENT_RAISED_CHANNELS,
    OPEN_STATUSES,
    Channel,
    Comment,
    Contact,
    Incident,
    Service,
    SupportGroup,
    Visibility,
)
from .comments import comment_create
from .common import _clean_text, _locked_incident
from .contacts import contact_create
from .reporters import incident_raise


@dataclass(frozen=True)
class NewContact:
    """Somebody the desk does not know yet, as the agent typed them."""

    name: str
    email: str = ""


def _check_agent_on_behalf(*, actor: User, channel: str) -> None:
    if not is_agent(actor):
        raise PermissionDenied("Only agents raise incidents for somebody else.")
    if channel not in AGENT_RAISED_CHANNELS:
        allowed = ", ".join(Channel(c).label.lower() for c in AGENT_RAISED_CHANNELS)
        raise ValidationError({"channel": f"Choose how they told you: {allowed}."})


def _reporter_contact(reporter: Contact | NewContact) -> Contact:
    """The contact the agent chose, or one made for the new person. An e-mail address a contact
    already has is refused: the same person twice would split their history in two."""
    if isinstance(reporter, Contact):
        return reporter
    name, email = _clean_text(reporter.name), _clean_text(reporter.email)
    if not name:
        raise ValidationError({"reporter_name": "Give the new person's name, or find them above."})
    if email:
        known = Contact.objects.filter(email__iexact=email, merged_into__isnull=True).order_by("id").first()
        if known is not None:
            raise ValidationError(
                {"reporter_email": f"{known.name} is already a contact with {email}: find them above and choose them."}
            )
    try:
        return contact_create(name=name, email=email)
    except ValidationError as refused:
        fields = {"name": "reporter_name", "email": "reporter_email"}
        raise ValidationError(
            {fields.get(field, field): errors for field, errors in refused.message_dict.items()}
        ) from None


def incident_raise_on_behalf(
    *,
    actor: User,
    reporter: Contact | NewContact,
    channel: str,
    title: str,
    description: str = "",
    service: Service | None = None,
    impact: int,
    urgency: int,
    assignment_group: SupportGroup | None = None,
    assignee: User | None = None,
) -> Incident:
    """An agent raises an incident for `reporter`, heard of by phone, at the desk or in a chat
    (`AGENT_RAISED_CHANNELS`). The audit trail says the agent opened it; it is the reporter's."""
    _check_agent_on_behalf(actor=actor, channel=channel)
    with transaction.atomic():
        return incident_raise(
            actor=actor,
            channel=channel,
            reporter=_reporter_contact(reporter),
            title=title,
            description=description,
            service=service,
            impact=impact,
            urgency=urgency,
            assignment_group=assignment_group,
            assignee=assignee,
        )


def also_reported_note(*, reporter: Contact, channel: str, title: str, description: str) -> str:
    said = "\n\n".join(part for part in (_clean_text(title), _clean_text(description)) if part)
    who = f"{reporter.name} <{reporter.email}>" if reporter.email else reporter.name
    return f"Also reported by {who} ({Channel(channel).label.lower()}):\n\n{said}"


def incident_also_reported(
    *,
    incident: Incident,
    actor: User,
    reporter: Contact | NewContact,
    channel: str,
    title: str,
    description: str = "",
) -> Comment:
    """ "This is the same": `reporter` told the agent of an incident the desk already has open.
    An internal note on it says who, how and in their words (internal: a public reply would go
    to its reporter, on their channel), instead of a duplicate incident."""
    _check_agent_on_behalf(actor=actor, channel=channel)
    if not _clean_text(title) and not _clean_text(description):
        raise ValidationError({"title": "Say what they reported: it goes on the incident as a note."})
    with transaction.atomic():
        # As it is now, locked: it may have been resolved since the agent saw it listed.
        incident = _locked_incident(incident)
        if incident.status not in OPEN_STATUSES:
            raise state_conflict(
                {
                    "same_as": f"{incident.number} is {incident.get_status_display().lower()} now: "
                    "raise a new incident instead."
                }
            )
        contact = _reporter_contact(reporter)
        return comment_create(
            incident=incident,
            body=also_reported_note(reporter=contact, channel=channel, title=title, description=description),
            visibility=Visibility.INTERNAL,
            author=actor,
        )
