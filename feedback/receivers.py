"""What feedback does when other apps speak (connected in `FeedbackConfig.ready()`)."""

from django.db import transaction

from tickets.signals import Change

from .tasks import score_comments, score_descriptions, score_messages


def score_stored_messages(sender, message_ids: list[int], **kwargs) -> None:
    """New inbound messages were stored: score them in a worker, once they are committed.
    Intake must not wait for scoring."""
    ids = list(message_ids)
    if ids:
        transaction.on_commit(lambda: score_messages.delay(ids), robust=True)


def score_changed_tickets(sender, change: str, pks: list[int], **kwargs) -> None:
    """Incidents were opened or comments written (tickets' `changed`): score the descriptions
    and the reporters' comments once committed. The services decide what is scorable (not a
    social post, which is scored as its message; not the desk's own words)."""
    ids = list(pks)
    if change == Change.INCIDENT_CREATED:
        transaction.on_commit(lambda: score_descriptions.delay(ids), robust=True)
    elif change == Change.COMMENT_CREATED:
        transaction.on_commit(lambda: score_comments.delay(ids), robust=True)
