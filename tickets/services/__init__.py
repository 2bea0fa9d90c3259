"""Every write to incidents, problems, comments and contacts.

Pages, the API, Celery workers and the admin all call these; nothing else changes these
records. Each function is keyword-only, validates before it saves (a `ValidationError`
leaves the database untouched), locks the row it changes, and records what it changed in
the audit trail within the same transaction.

`actor` is whoever acts: a `User` (agent or portal customer), a `Contact` (somebody
writing on a social channel), or None for the system itself (SLA sweep, auto-close).

One module per domain; a newcomer guesses the file from the noun:

- `incidents`: one incident's lifecycle (open, move, assign, edit)
- `on_behalf`: an agent raises an incident for somebody (phone, walk-in, chat), or adds them to
  the open incident that is the same
- `reporters`: what the reporter may do (raise, reply, reopen and its deadline), and the rules
  that depend on who acts (`incident_raise`, `incident_reply`, `check_incident_change`)
- `comments`: public replies and internal notes
- `problems`: problems, known errors and their linked incidents
- `contacts`: contacts, portal users' contacts, merges
- `intake`: many incidents and replies at once (social intake)
- `sources`: a social message edited or deleted where it was posted
- `bulk`: the console's bulk actions on a selection
- `composites`: several changes in one transaction (the API's PATCH)
- `macros`: saved replies (keep, fill their placeholders, send one with its actions)
- `periodic`: the SLA sweep and auto-close
- `attachments`: files attached to incidents and replies, and platforms' media as links
- `saved_views`: agents' saved views of the queue
- `deflections`: self-service that solved it (a known error, an outage), once per form
- `common`: what they share (the actor type, UNSET, numbering, the priority matrix, locks, and
  `incident_version`, the version a change is made from: the API's ETag, the pages' hidden field)

Callers import from `tickets.services`; the names below are the public surface.
"""

from ..events import Actor
from .attachments import (
    AttachmentLink,
    AttachmentLinkDraft,
    attachment_create,
    attachment_link_create,
    attachment_links_create_bulk,
    attachments_create,
    check_attachment,
    check_attachment_allowed,
    check_attachments,
    incident_reply_with_attachments,
)
from .bulk import BULK_LIMIT, incidents_bulk_assign, incidents_bulk_transition
from .comments import comment_create, incident_reply_delivered
from .common import (
    UNSET,
    VERSIONED_RELATED,
    IncidentChanged,
    fitted_text,
    incident_version,
    priority_for,
    reserve_numbers,
)
from .composites import incident_change, problem_change
from .contacts import contact_create, contact_for_user, contact_merge
from .deflections import deflection_record
from .incidents import (
    INCIDENT_EDITABLE_FIELDS,
    incident_assign,
    incident_close_not_incident,
    incident_create,
    incident_transition,
    incident_update,
)
from .intake import IncidentDraft, comments_create_bulk, incidents_create_bulk
from .macros import (
    PLACEHOLDERS,
    can_manage_shared_macros,
    known_error_reply,
    macro_create,
    macro_delete,
    macro_render,
    macro_reply,
    macro_update,
)
from .on_behalf import NewContact, also_reported_note, incident_also_reported, incident_raise_on_behalf
from .periodic import incidents_close_resolved, sla_flag_breaches
from .problems import (
    PROBLEM_EDITABLE_FIELDS,
    problem_create,
    problem_link_incidents,
    problem_transition,
    problem_unlink_incident,
    problem_unlink_incidents,
    problem_update,
)
from .reporters import (
    check_incident_change,
    check_incident_reopen,
    incident_raise,
    incident_reopen_by_reporter,
    incident_reopen_deadline,
    incident_reply,
    incident_reply_from_reporter,
)
from .saved_views import saved_view_create, saved_view_delete
from .sources import (
    REDACTED_TEXT,
    comment_redact_source,
    comment_source_edited,
    incident_redact_source,
    incident_source_edited,
)

__all__ = [
    "BULK_LIMIT",
    "INCIDENT_EDITABLE_FIELDS",
    "PLACEHOLDERS",
    "PROBLEM_EDITABLE_FIELDS",
    "REDACTED_TEXT",
    "UNSET",
    "VERSIONED_RELATED",
    "Actor",
    "AttachmentLink",
    "AttachmentLinkDraft",
    "IncidentChanged",
    "IncidentDraft",
    "NewContact",
    "also_reported_note",
    "attachment_create",
    "attachment_link_create",
    "attachment_links_create_bulk",
    "attachments_create",
    "can_manage_shared_macros",
    "check_attachment",
    "check_attachment_allowed",
    "check_attachments",
    "check_incident_change",
    "check_incident_reopen",
    "comment_create",
    "comment_redact_source",
    "comment_source_edited",
    "comments_create_bulk",
    "contact_create",
    "contact_for_user",
    "contact_merge",
    "deflection_record",
    "fitted_text",
    "incident_also_reported",
    "incident_assign",
    "incident_change",
    "incident_close_not_incident",
    "incident_create",
    "incident_raise",
    "incident_raise_on_behalf",
    "incident_redact_source",
    "incident_reopen_by_reporter",
    "incident_reopen_deadline",
    "incident_reply",
    "incident_reply_delivered",
    "incident_reply_from_reporter",
    "incident_reply_with_attachments",
    "incident_source_edited",
    "incident_transition",
    "incident_update",
    "incident_version",
    "incidents_bulk_assign",
    "incidents_bulk_transition",
    "incidents_close_resolved",
    "incidents_create_bulk",
    "known_error_reply",
    "macro_create",
    "macro_delete",
    "macro_render",
    "macro_reply",
    "macro_update",
    "priority_for",
    "problem_change",
    "problem_create",
    "problem_link_incidents",
    "problem_transition",
    "problem_unlink_incident",
    "problem_unlink_incidents",
    "problem_update",
    "reserve_numbers",
    "saved_view_create",
    "saved_view_delete",
    "sla_flag_breaches",
]
