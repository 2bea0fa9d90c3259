"""What feedback does when other apps speak (connected in `FeedbackConfig.ready()`)."""

from django.db import transaction

from tickets.signals import Change

from .surveys.parsing import parse_answer
from .surveys.services import SURVEY_ANSWER_REASON, survey_open_on
from .tasks import record_survey_answers, score_comments, score_descriptions, score_messages


def score_stored_messages(sender, message_ids: list[int], **kwargs) -> None:
    """New inbound messages were stored: score them in a worker, once they are committed, and
    record those intake took as survey answers. Intake must not wait for either."""
    ids = list(message_ids)
    if ids:
        transaction.on_commit(lambda: score_messages.delay(ids), robust=True)
        transaction.on_commit(lambda: record_survey_answers.delay(ids), robust=True)


def take_survey_answers(sender, incident, channel: str, text: str, **kwargs) -> str:
    """A reply on a resolved or closed incident (social intake asks): an answer to its open
    survey on that channel is taken, so it neither reopens nor follows up; unless it says the
    problem is back, which follows the reopen rules like any reply."""
    if parse_answer(text).problem_back:
        return ""
    return SURVEY_ANSWER_REASON if survey_open_on(incident=incident, channel=channel) is not None else ""


def score_changed_tickets(sender, change: str, pks: list[int], **kwargs) -> None:
    """Incidents were opened or comments written (tickets' `changed`): score the descriptions
    and the reporters' comments once committed. The services decide what is scorable (not a
    social post, which is scored as its message; not the desk's own words)."""
    ids = list(pks)
    if change == Change.INCIDENT_CREATED:
        transaction.on_commit(lambda: score_descriptions.delay(ids), robust=True)
    elif change == Change.COMMENT_CREATED:
        transaction.on_commit(lambda: score_comments.delay(ids), robust=True)
