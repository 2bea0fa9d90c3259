"""What the reporter of an incident may do, and the services whose rule depends on who acts.

Pages, the API and the social workers call these rather than deciding by role themselves
(Zulip's `check_*` / `do_*` split): a `check_*` function only refuses, so a caller may run it
before it takes a lock; the service runs it again, so no caller can skip it.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ..access import is_agent
from ..models import Comment, Contact, Impact, Incident, IncidentStatus, Visibility
from .comments import comment_create
from .common import _clean_text
from .contacts import contact_for_user
from .incidents import incident_create, incident_transition


def acts_as_customer(actor: Any) -> bool:
    """A person with a login who is not an agent (a contact writing on a social channel has
    no login; the system acts as None)."""
    return isinstance(actor, User) and not is_agent(actor)


def incident_raise(*, actor: User, channel: str, reporter: Contact | None = None, **fields: Any) -> Incident:
    """Somebody with a login raises an incident (portal, API). An agent raises it for anyone
    (`reporter`) and judges its impact; a customer raises it for themselves, at low impact:
    agents judge the impact, not the person it hurts."""
    if acts_as_customer(actor):
        fields["impact"] = Impact.LOW
        reporter = None
    return incident_create(reporter=reporter or contact_for_user(user=actor), channel=channel, actor=actor, **fields)


def incident_reply(
    *, incident: Incident, author: User | Contact, body: str, visibility: str = Visibility.PUBLIC
) -> Comment:
    """Somebody writes on an incident. An agent writes a public reply or an internal note;
    anybody else (its reporter) a public reply, while the incident is open."""
    if isinstance(author, User) and is_agent(author):
        return comment_create(incident=incident, body=body, visibility=visibility, author=author)
    if visibility != Visibility.PUBLIC:
        raise PermissionDenied("Customers write public replies only.")
    return incident_reply_from_reporter(incident=incident, author=author, body=body)


def incident_reply_from_reporter(*, incident: Incident, author: User | Contact, body: str) -> Comment:
    """The reporter writes on their own incident. A closed or cancelled incident takes no
    more replies: the reporter is asked to raise a new one."""
    if incident.status in (IncidentStatus.CLOSED, IncidentStatus.CANCELLED):
        raise ValidationError(
            {"body": f"{incident.number} is {incident.get_status_display().lower()}; please raise a new incident."}
        )
    return comment_create(incident=incident, body=body, visibility=Visibility.PUBLIC, author=author)


def incident_reopen_deadline(*, incident: Incident) -> datetime | None:
    """Until when the reporter may reopen the incident (INCIDENT_REOPEN_DAYS after it was
    resolved), or None if it is not resolved. The portal shows it; the service enforces it."""
    if incident.status != IncidentStatus.RESOLVED or not incident.resolved_at:
        return None
    return incident.resolved_at + timedelta(days=settings.INCIDENT_REOPEN_DAYS)


def _check_reopen_note(note: str) -> str:
    note = _clean_text(note)
    if not note:
        raise ValidationError({"note": "Tell us what is still wrong."})
    return note


def check_incident_reopen(*, incident: Incident, note: str) -> str:
    """Refuse a reopen the rules do not allow; the note, cleaned, if they do."""
    note = _check_reopen_note(note)
    if incident.status != IncidentStatus.RESOLVED:
        raise ValidationError({"status": "Only a resolved incident can be reopened."})
    deadline = incident_reopen_deadline(incident=incident)
    if deadline is not None and timezone.now() > deadline:
        raise ValidationError(
            {
                "status": f"This incident was resolved more than {settings.INCIDENT_REOPEN_DAYS} "
                "days ago; please raise a new one."
            }
        )
    return note


def incident_reopen_by_reporter(*, incident: Incident, actor: User | Contact, note: str) -> Incident:
    """The reporter says the fix did not hold (`note`: what is still wrong): back to in
    progress, within the reopen window. The note is posted as their public reply too."""
    note = check_incident_reopen(incident=incident, note=note)
    with transaction.atomic():
        reply = comment_create(incident=incident, body=note, visibility=Visibility.PUBLIC, author=actor)
        return incident_transition(
            incident=incident, to_status=IncidentStatus.IN_PROGRESS, actor=actor, note=note, comment=reply
        )


def check_incident_change(*, actor: Any, changes: dict[str, Any]) -> None:
    """What `incident_change` lets `actor` change. A customer may only reopen (status
    in_progress with a note saying what is still wrong); agents, whatever the services allow."""
    if not acts_as_customer(actor) or not changes:
        return
    if changes.get("status") != IncidentStatus.IN_PROGRESS or set(changes) - {"status", "note"}:
        raise PermissionDenied("Customers can only reopen a resolved incident: status in_progress with a note.")
    _check_reopen_note(changes.get("note", ""))
