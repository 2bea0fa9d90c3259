"""Service suggestion hears of new incidents (tickets' `changed`) and new inbound messages
(social's `inbound_messages_stored`), connected in IntelligenceConfig.ready(). Nothing is
computed here: a task is enqueued once the change commits, so intake never waits for it."""

from django.db import transaction
from django.dispatch import receiver

from social.signals import inbound_messages_stored
from tickets.signals import Change, changed

from .tasks import suggest_for_incidents, suggest_for_messages


@receiver(changed, dispatch_uid="intelligence.routing.incidents_created")
def suggest_for_new_incidents(sender, change: Change, pks: list[int], **kwargs) -> None:
    if change == Change.INCIDENT_CREATED and pks:
        incident_ids = list(pks)
        transaction.on_commit(lambda: suggest_for_incidents.delay(incident_ids), robust=True)


@receiver(inbound_messages_stored, dispatch_uid="intelligence.routing.messages_stored")
def suggest_for_new_messages(sender, message_ids: list[int], **kwargs) -> None:
    ids = list(message_ids)
    if ids:
        suggest_for_messages.delay(ids)  # sent on commit already (social.inbox.batch)
