"""What the similar-incident index does when tickets announces a change (connected in
IntelligenceConfig.ready).

Nothing is computed here: a task is enqueued once the change commits, so intake and the
console never wait for the index. Whatever is missed (a broker down) the sweep finds.
"""

from django.db import transaction
from django.dispatch import receiver

from tickets.signals import Change, changed

from .tasks import index_incidents

# Incidents created or changed, one at a time or a whole intake batch at once. A change that
# left the words alone costs the task one read.
INDEXED_CHANGES = frozenset({Change.INCIDENT_CREATED, Change.INCIDENT_UPDATED})


@receiver(changed, dispatch_uid="intelligence.similarity.incidents_changed")
def index_changed_incidents(sender, change: Change, pks: list[int], **kwargs) -> None:
    if change in INDEXED_CHANGES and pks:
        incident_ids = list(pks)
        transaction.on_commit(lambda: index_incidents.delay(incident_ids), robust=True)
