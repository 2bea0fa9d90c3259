"""What feedback does when other apps speak (connected in `FeedbackConfig.ready()`)."""

from django.db import transaction

from .tasks import score_messages


def score_stored_messages(sender, message_ids: list[int], **kwargs) -> None:
    """New inbound messages were stored: score them in a worker, once they are committed.
    Intake must not wait for scoring."""
    ids = list(message_ids)
    if ids:
        transaction.on_commit(lambda: score_messages.delay(ids), robust=True)
