"""Hear tickets' changes (tickets.signals) and write the notifications they call for, in the
same transaction."""

from django.dispatch import receiver

from tickets.signals import Change, changed

from .services import notifications_for_comments, notifications_for_incident_changes


@receiver(changed, dispatch_uid="notifications.changed")
def record_notifications(sender, *, change: Change, pks: list[int], **kwargs) -> None:
    if change == Change.COMMENT_CREATED:
        notifications_for_comments(comment_pks=pks)
    elif change == Change.INCIDENT_UPDATED:
        notifications_for_incident_changes(incident_pks=pks)
