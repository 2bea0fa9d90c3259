import logging
import os
from collections.abc import Iterable

from celery import Celery
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")

app = Celery("servicedesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


def delay_each_or_leave_to_sweep(task, ids: Iterable[int], *, what: str) -> None:
    """`task.delay(id)` for each row of an outbox. A broker that is down fails nothing: the
    row is already committed, and the outbox's periodic sweep enqueues it later."""
    for row_id in ids:
        try:
            task.delay(row_id)
        except OperationalError:
            logger.warning("Could not enqueue %s %s; the sweep will.", what, row_id, exc_info=True)
