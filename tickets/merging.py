"""Merging an incident into another: the duplicate closes, its conversation goes on in the survivor.

`incident_merge` moves the duplicate's comments to the survivor, closes the duplicate with a
link to it (`Incident.duplicate_of`) and says so in both audit trails, all in one transaction.
Other apps move what they hold (social: the messages, so that later replies thread to the
survivor) by receiving `tickets.signals.incident_merged`, sent inside that transaction.
"""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .access import is_agent
from .models import OPEN_STATUSES, Comment, Event, EventKind, Incident, IncidentStatus
from .signals import Change, announce_change, incident_merged


def incident_merge(*, duplicate: Incident, survivor: Incident, actor: User, note: str = "") -> Incident:
    """Merge `duplicate` into `survivor` (agents only); returns the survivor."""
    if not is_agent(actor):
        raise ValidationError("Only agents merge incidents.")
    if duplicate.pk == survivor.pk:
        raise ValidationError({"survivor": "An incident cannot be merged into itself."})
    with transaction.atomic():
        locked = {
            i.pk: i
            for i in Incident.objects.select_for_update().filter(pk__in=[duplicate.pk, survivor.pk]).order_by("pk")
        }
        duplicate, survivor = locked[duplicate.pk], locked[survivor.pk]
        if duplicate.status not in OPEN_STATUSES and duplicate.status != IncidentStatus.RESOLVED:
            raise ValidationError({"duplicate": f"{duplicate.number} is {duplicate.get_status_display().lower()}."})
        if survivor.duplicate_of_id:
            raise ValidationError({"survivor": f"{survivor.number} was itself merged; merge into the one it went to."})
        if survivor.status in (IncidentStatus.CLOSED, IncidentStatus.CANCELLED):
            raise ValidationError({"survivor": f"{survivor.number} is {survivor.get_status_display().lower()}."})
        now = timezone.now()
        moved = Comment.objects.filter(incident=duplicate).update(incident=survivor)
        old_status = duplicate.get_status_display()
        duplicate.duplicate_of = survivor
        duplicate.status = IncidentStatus.CLOSED
        duplicate.resolution = f"Duplicate of {survivor.number}." + (f" {note.strip()}" if note.strip() else "")
        duplicate.resolved_at = duplicate.resolved_at or now
        duplicate.closed_at = now
        duplicate.sla_paused_since = duplicate.sla_paused_since or now
        duplicate.updated_at = now
        duplicate.save(
            update_fields=[
                "duplicate_of",
                "status",
                "resolution",
                "resolved_at",
                "closed_at",
                "sla_paused_since",
                "updated_at",
            ]
        )
        fields = {"actor_user": actor, "created_at": now, "note": note.strip()}
        Event.objects.bulk_create(
            [
                Event(
                    incident=duplicate, kind=EventKind.FIELD, field="duplicate_of", new_value=survivor.number, **fields
                ),
                Event(
                    incident=duplicate,
                    kind=EventKind.STATUS,
                    field="status",
                    old_value=old_status,
                    new_value=IncidentStatus.CLOSED.label,
                    **fields,
                ),
                Event(
                    incident=survivor,
                    kind=EventKind.FIELD,
                    field="duplicates",
                    new_value=f"{duplicate.number} merged in ({moved} comments moved)",
                    **fields,
                ),
            ]
        )
        survivor.updated_at = now
        survivor.save(update_fields=["updated_at"])
        incident_merged.send(sender=Incident, duplicate=duplicate, survivor=survivor)
        announce_change(change=Change.INCIDENT_UPDATED, pks=[duplicate.pk, survivor.pk])
    return survivor
