"""Signals `tickets` sends for other apps to act on, without `tickets` importing them.

Every one is sent inside the transaction of the change it reports, after the change is
written: a receiver's writes (the outgoing webhooks' outbox, for one) commit or roll back
with it, and a receiver that raises fails the change. A receiver that calls out to the
network must wait for the commit (`transaction.on_commit`), never call out from here.
"""

from collections.abc import Iterable
from enum import StrEnum

from django.dispatch import Signal

# An agent wrote a public reply on an incident (kwargs: comment). A receiver that takes the
# reply to deliver it to the reporter somewhere else (social: on the reporter's channel, by a
# worker) returns DELIVERY_PENDING: the reply then stops the response clock only when it has
# reached the person, and the receiver calls `tickets.services.incident_reply_delivered` then.
public_reply_created = Signal()
DELIVERY_PENDING = "delivery_pending"

# Incidents, comments or problems were created or changed (kwargs: change, a `Change`; pks,
# the primary keys of what changed: one, or a whole batch, sent once).
changed = Signal()

# Words were deleted at their source (the customer deleted the tweet, say) and are replaced
# by `replacement` in the desk; copies kept elsewhere must go too (kwargs: incident_number,
# "" when it is a comment; comment_id, None when it is an incident; replacement).
redacted = Signal()

# `manage.py demo_data` made the desk's demo people and services (kwargs: users, a dict by
# username; services, a dict by name): other apps add their own demo to it.
demo_data_loaded = Signal()


class Change(StrEnum):
    """What changed, as the outside world names it (the outgoing webhooks' event types)."""

    INCIDENT_CREATED = "incident.created"
    INCIDENT_UPDATED = "incident.updated"
    COMMENT_CREATED = "comment.created"
    PROBLEM_UPDATED = "problem.updated"


def announce_change(*, change: Change, pks: Iterable[int]) -> None:
    """Tell the receivers of `changed` that the objects `pks` were changed (nothing if none)."""
    pks = list(dict.fromkeys(pks))
    if pks:
        changed.send(sender=Change, change=change, pks=pks)


def announce_redaction(*, replacement: str, incident_number: str = "", comment_id: int | None = None) -> None:
    """Tell the receivers of `redacted` that an incident's or a comment's words were deleted."""
    redacted.send(sender=Change, incident_number=incident_number, comment_id=comment_id, replacement=replacement)


# An incident was merged into another (kwargs: duplicate, survivor). Sent inside the merge's
# transaction: a receiver moves what it holds of the duplicate (social: its messages) along.
incident_merged = Signal()
