"""Saved replies (macros): keeping them, filling their placeholders, and sending one.

A personal macro is its owner's; a shared one (`owner` None) is kept by those with
`tickets.manage_shared_macros` (managers). Any agent uses the shared ones and their own.
"""

import re
from collections.abc import Collection, Sequence

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction

from ..access import is_agent
from ..models import Comment, Incident, IncidentStatus, Macro, Problem, SupportGroup, Visibility
from .attachments import incident_reply_with_attachments
from .common import _clean_text, _locked_incident
from .incidents import incident_assign, incident_transition

MANAGE_SHARED_PERMISSION = "tickets.manage_shared_macros"

# {{name}} in a macro's text, filled when the macro is inserted into a reply.
PLACEHOLDERS = {
    "reporter_name": "The reporter's name",
    "reporter_first_name": "The reporter's first name",
    "incident_number": "The incident's number",
    "incident_title": "The incident's title",
    "service": "The incident's service",
    "agent_name": "Your name",
    "agent_first_name": "Your first name",
}
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


def can_manage_shared_macros(user: User) -> bool:
    return is_agent(user) and user.has_perm(MANAGE_SHARED_PERMISSION)


def _check_may_keep(*, actor: User, shared: bool) -> None:
    if not is_agent(actor):
        raise PermissionDenied("Only agents keep saved replies.")
    if shared and not can_manage_shared_macros(actor):
        raise PermissionDenied("Only managers keep the shared saved replies.")


def _check_may_change(*, actor: User, macro: Macro) -> None:
    _check_may_keep(actor=actor, shared=macro.shared)
    if not macro.shared and macro.owner_id != actor.pk:
        raise PermissionDenied("A personal saved reply is its owner's.")


def _validated(macro: Macro) -> Macro:
    macro.name, macro.body = _clean_text(macro.name), _clean_text(macro.body)
    unknown = sorted({name for name in PLACEHOLDER.findall(macro.body) if name not in PLACEHOLDERS})
    if unknown:
        known = ", ".join("{{" + name + "}}" for name in PLACEHOLDERS)
        raise ValidationError(
            {
                "body": f"Unknown placeholder{'s' if len(unknown) > 1 else ''} "
                f"{', '.join('{{' + name + '}}' for name in unknown)}; the placeholders are {known}."
            }
        )
    macro.full_clean(exclude=["owner"], validate_constraints=False)
    return macro


def _save(macro: Macro) -> Macro:
    try:
        with transaction.atomic():
            macro.save()
    except IntegrityError:
        whose = "shared" if macro.shared else "of yours"
        raise ValidationError({"name": f"There is already a saved reply {whose} named “{macro.name}”."}) from None
    return macro


def macro_create(
    *,
    actor: User,
    name: str,
    body: str,
    shared: bool = False,
    set_status: str = "",
    assign_to_sender: bool = False,
    assignment_group: SupportGroup | None = None,
) -> Macro:
    _check_may_keep(actor=actor, shared=shared)
    macro = Macro(
        name=name,
        body=body,
        owner=None if shared else actor,
        set_status=set_status,
        assign_to_sender=assign_to_sender,
        assignment_group=assignment_group,
    )
    return _save(_validated(macro))


MACRO_EDITABLE_FIELDS = ("name", "body", "set_status", "assign_to_sender", "assignment_group")


def macro_update(*, macro: Macro, actor: User, **changes) -> Macro:
    """Change a saved reply's text or actions (whether it is shared does not change)."""
    unknown = set(changes) - set(MACRO_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"macro_update() cannot change {', '.join(sorted(unknown))}")
    _check_may_change(actor=actor, macro=macro)
    for name, value in changes.items():
        setattr(macro, name, value)
    return _save(_validated(macro))


def macro_delete(*, macro: Macro, actor: User) -> None:
    _check_may_change(actor=actor, macro=macro)
    macro.delete()


def macro_render(*, text: str, incident: Incident, agent: User) -> str:
    """`text` with its placeholders filled for this incident and this agent (one the text
    names but the desk does not know stays as written)."""
    reporter = incident.reporter.name
    agent_name = agent.get_full_name() or agent.get_username()
    values = {
        "reporter_name": reporter,
        "reporter_first_name": reporter.lstrip("@").split()[0] if reporter.strip() else "",
        "incident_number": incident.number,
        "incident_title": incident.title,
        "service": incident.service.name if incident.service_id else "",
        "agent_name": agent_name,
        "agent_first_name": agent.first_name or agent_name,
    }
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def known_error_reply(*, problem: Problem) -> str:
    """A known error's workaround, as words to insert into a reply."""
    return f"This is a known issue ({problem.number}: {problem.title}). Until it is fixed:\n\n{problem.workaround}"


def macro_reply(
    *,
    incident: Incident,
    macro: Macro,
    author: User,
    body: str,
    visibility: str = Visibility.PUBLIC,
    files: Sequence[File] = (),
    expected_version: str | Collection[str] | None = None,
) -> Comment:
    """Send a reply written from `macro`, then what the macro does (status, assignment), all in
    one transaction through the usual services: a refused status change sends nothing.

    With `expected_version` (the version of the page it was sent from), a macro that changes
    the status or the assignment is refused (`IncidentChanged`), reply and all, if the
    incident moved on since: those are changes like any other. The reply alone never
    conflicts: a macro with no actions is not checked."""
    if not is_agent(author):
        raise PermissionDenied("Only agents use saved replies.")
    if not macro.shared and macro.owner_id != author.pk:
        raise PermissionDenied("A personal saved reply is its owner's.")
    with transaction.atomic():
        if expected_version is not None and macro.has_actions:
            # Before the reply, which moves the incident's version itself.
            incident = _locked_incident(incident, expected_version=expected_version, actor=author)
        comment = incident_reply_with_attachments(
            incident=incident, body=body, visibility=visibility, author=author, files=files
        )
        assignee = author if macro.assign_to_sender else None
        if assignee is not None or macro.assignment_group_id:
            incident = incident_assign(
                incident=incident,
                actor=author,
                **({"assignee": assignee} if assignee is not None else {}),
                **({"assignment_group": macro.assignment_group} if macro.assignment_group_id else {}),
            )
        if macro.set_status and macro.set_status != incident.status:
            incident_transition(
                incident=incident,
                to_status=macro.set_status,
                actor=author,
                hold_reason=macro.name if macro.set_status == IncidentStatus.ON_HOLD else "",
                resolution=comment.body if macro.set_status == IncidentStatus.RESOLVED else "",
            )
    return comment
