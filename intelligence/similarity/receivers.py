"""What the similar-incident index does when other apps write (connected in IntelligenceConfig.ready).

Nothing is computed here: a task is enqueued once the write commits, so intake and the
console never wait for the index. Whatever is missed (a broker down) the sweep finds.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from social.signals import inbound_messages_stored
from tickets.models import Incident

from .tasks import index_incidents, index_message_incidents

# Saves that touch none of these leave the vectors as they are (the sweep still notes them).
INDEXED_FIELDS = frozenset({"title", "description", "created_at"})


@receiver(post_save, sender=Incident, dispatch_uid="intelligence.similarity.incident_saved")
def index_saved_incident(sender, instance: Incident, created: bool, update_fields=None, **kwargs) -> None:
    if created or update_fields is None or INDEXED_FIELDS & set(update_fields):
        incident_id = instance.pk
        transaction.on_commit(lambda: index_incidents.delay([incident_id]), robust=True)


@receiver(inbound_messages_stored, dispatch_uid="intelligence.similarity.messages_stored")
def index_message_incidents_on_commit(sender, message_ids: list[int], **kwargs) -> None:
    ids = list(message_ids)
    if ids:
        transaction.on_commit(lambda: index_message_incidents.delay(ids), robust=True)
