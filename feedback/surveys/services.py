"""Writes of the surveys: who is asked, when and where; asking; recording answers.

- `surveys_schedule` (periodic) gives each recently resolved incident its surveys: on its
  social channel, or on the portal and by e-mail, as each medium's settings say (off,
  sampled out: recorded as skipped, with the reason).
- `surveys_send_due` (periodic) asks those whose delay is over: a social question is an
  outbound message queued in the same outbox as replies (sent by its worker, with or
  without credentials now: the outbox keeps it until it can), portal questions appear on the
  incident's page, e-mail is a row of the notifications' outbox (five signed one-click rating
  links, `links.py`), sent by its worker. A survey is asked once (its state moves from
  scheduled under a row lock), never twice (one per incident and medium).
- `survey_answer_record` reads an answer, stores the rating once (a later one replaces it,
  each answer kept in `SurveyAnswer`), keeps the words as a comment with their sentiment,
  and reopens the incident only when the answer says the problem is back (reopen rules).
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.services import notification_survey_record
from social import platforms
from social.events import ANSWER_KIND, Kind
from social.models import Direction, MessageState, SocialMessage
from social.outbox.queue import enqueue_sending
from social.signals import REOPENED_REASON
from tickets import services as tickets
from tickets.models import Incident, IncidentStatus

from ..sentiment import score_text
from .links import rating_from_token, rating_links
from .models import DEFAULT_QUESTION, EMAIL, PORTAL, Survey, SurveyAnswer, SurveySettings, SurveyState
from .parsing import parse_answer

SCHEDULE_LOOKBACK = timedelta(days=7)  # resolved longer ago than this is not surveyed any more
MESSENGER_WINDOW = timedelta(hours=24)  # Messenger: only within 24 h of the person's last message
BATCH = 500


def settings_for(medium: str) -> SurveySettings:
    """The medium's settings (an unsaved default row when managers set none)."""
    return SurveySettings.objects.filter(medium=medium).first() or SurveySettings(medium=medium)


def media_for(incident: Incident) -> list[str]:
    """Where the reporter talks to the desk: the incident's social channel, else the portal
    and, when they have an address, e-mail."""
    if platforms.find(incident.channel) is not None:
        return [incident.channel]
    return [PORTAL, EMAIL] if incident.reporter.email else [PORTAL]


def sampled(incident: Incident, percent: int) -> bool:
    """Whether the incident is in the sampled share: a hash of its number, so the same
    incident is always in or always out (no survey decided twice)."""
    bucket = int(hashlib.sha256(incident.number.encode()).hexdigest()[:8], 16) % 100
    return bucket < percent


def question_for(incident: Incident, medium_settings: SurveySettings) -> str:
    template = medium_settings.question or DEFAULT_QUESTION
    values = {"number": incident.number, "name": incident.reporter.name}
    try:
        return template.format(**values)
    except (ValueError, KeyError, IndexError, AttributeError):
        return DEFAULT_QUESTION.format(**values)


# --- scheduling ------------------------------------------------------------------------------


def surveys_schedule(*, now: datetime | None = None, batch_size: int = BATCH) -> int:
    """Create the surveys of incidents resolved in the last week that have none yet; return
    how many were created (scheduled or skipped). Idempotent."""
    now = now or timezone.now()
    incidents = list(
        Incident.objects.filter(
            status__in=[IncidentStatus.RESOLVED, IncidentStatus.CLOSED],
            resolved_at__gte=now - SCHEDULE_LOOKBACK,
            surveys__isnull=True,
        )
        .select_related("reporter")
        .order_by("resolved_at", "pk")[:batch_size]
    )
    all_settings = {s.medium: s for s in SurveySettings.objects.all()}
    surveys = []
    for incident in incidents:
        for medium in media_for(incident):
            medium_settings = all_settings.get(medium) or SurveySettings(medium=medium)
            survey = Survey(
                incident=incident,
                medium=medium,
                send_after=incident.resolved_at + timedelta(minutes=medium_settings.delay_minutes),
                created_at=now,
            )
            if not medium_settings.enabled:
                survey.state, survey.skip_reason = SurveyState.SKIPPED, f"Surveys are off on {medium}."
            elif not sampled(incident, medium_settings.sample_percent):
                survey.state = SurveyState.SKIPPED
                survey.skip_reason = f"Not in the {medium_settings.sample_percent} % sampled on {medium}."
            surveys.append(survey)
    Survey.objects.bulk_create(surveys, ignore_conflicts=True)
    return len(surveys)


# --- asking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendOutcome:
    sent: int
    skipped: int


def surveys_send_due(*, now: datetime | None = None, batch_size: int = BATCH) -> SendOutcome:
    """Ask the scheduled surveys whose time has come, each once."""
    now = now or timezone.now()
    sent = skipped = 0
    with transaction.atomic():
        due = list(
            Survey.objects.filter(state=SurveyState.SCHEDULED, send_after__lte=now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("incident__reporter__user")
            .order_by("send_after", "pk")[:batch_size]
        )
        for survey in due:
            if survey_send(survey=survey, now=now):
                sent += 1
            else:
                skipped += 1
    return SendOutcome(sent=sent, skipped=skipped)


def _skip(survey: Survey, reason: str) -> bool:
    survey.state, survey.skip_reason = SurveyState.SKIPPED, reason[:300]
    survey.save(update_fields=["state", "skip_reason"])
    return False


def survey_send(*, survey: Survey, now: datetime) -> bool:
    """Ask one scheduled survey (the caller holds its row lock); False when it is skipped,
    with the reason recorded."""
    incident = survey.incident
    if incident.status not in (IncidentStatus.RESOLVED, IncidentStatus.CLOSED):
        return _skip(survey, "The incident was reopened before the survey went out.")
    medium_settings = settings_for(survey.medium)
    if not medium_settings.enabled:
        return _skip(survey, f"Surveys were turned off on {survey.medium}.")
    question = question_for(incident, medium_settings)
    expires_at = now + timedelta(hours=medium_settings.answer_window_hours)
    if survey.medium == EMAIL:
        if not incident.reporter.email:
            return _skip(survey, "The reporter has no e-mail address.")
        survey.sent_at, survey.expires_at = now, expires_at  # the links expire with the window
        context = {"incident": incident, "question": question, "links": rating_links(survey=survey), "survey": survey}
        mail = notification_survey_record(
            incident=incident,
            to=incident.reporter.email,
            subject=render_to_string("feedback/survey_email_subject.txt", context).strip(),
            body=render_to_string("feedback/survey_email.txt", context),
            cause=f"survey:{survey.pk}",
        )
        if mail is None:
            return _skip(survey, "The reporter turned satisfaction surveys off.")
    elif survey.medium != PORTAL:
        message = _social_question(survey, question, now)
        if isinstance(message, str):
            return _skip(survey, message)
        survey.message = message
    survey.state, survey.question, survey.sent_at, survey.expires_at = SurveyState.SENT, question, now, expires_at
    survey.save(update_fields=["state", "question", "sent_at", "expires_at", "message"])
    return True


def _social_question(survey: Survey, question: str, now: datetime) -> SocialMessage | str:
    """The question as an outbound message answering the reporter's latest message (as an
    agent's reply would), queued; or why it cannot be asked."""
    latest = (
        SocialMessage.objects.filter(
            incident=survey.incident, direction=Direction.INBOUND, identity__isnull=False, deleted=False
        )
        .exclude(external_id="")
        .select_related("identity")
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is None:
        return "Nothing of the reporter's to answer on this channel (deleted at the source, or none)."
    if latest.kind == Kind.MESSENGER and now - latest.created_at > MESSENGER_WINDOW:
        return (
            "Messenger allows a message only within 24 hours of the person's last one "
            f"({latest.created_at:%Y-%m-%d %H:%M} UTC)."
        )
    message = SocialMessage.objects.create(
        channel=latest.channel,
        direction=Direction.OUTBOUND,
        kind=ANSWER_KIND.get(latest.kind, Kind.REPLY),
        account_external_id=latest.account_external_id,
        identity=latest.identity,
        author_name="Service desk",
        text=question,
        in_reply_to=latest.external_id,
        thread_key=latest.thread_key,
        incident=survey.incident,
        state=MessageState.QUEUED,
        next_attempt_at=now,
        created_at=now,
    )
    transaction.on_commit(lambda: enqueue_sending([message.pk]), robust=True)
    return message


# --- answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerOutcome:
    survey: Survey
    answer: SurveyAnswer
    reopened: bool
    reopen_refused: str = ""  # the reopen rules' reason, when the problem is back but it could not reopen


def survey_answer_record(
    *,
    survey: Survey,
    text: str = "",
    rating: int | None = None,
    message: SocialMessage | None = None,
    by_user=None,
    now: datetime | None = None,
    already_reopened: bool = False,
) -> AnswerOutcome:
    """Record an answer to a sent survey: `rating` when the person chose one (portal, e-mail
    link), otherwise read from `text`. The survey keeps one rating: a later answer's replaces
    it, and every answer is kept as written. Words saying the problem is back also follow the
    reopen rules ("1, it's broken again" is a 1 and a reopen); `already_reopened` when the
    intake reopened it on reading them. Past the answer window it is refused."""
    now = now or timezone.now()
    if survey.state != SurveyState.SENT:
        raise ValidationError("This survey was not sent: there is nothing to answer.")
    if survey.expires_at and now > survey.expires_at:
        raise ValidationError("Answers to this survey closed on " + f"{survey.expires_at:%Y-%m-%d %H:%M} UTC.")
    if rating is not None and not 1 <= rating <= 5:
        raise ValidationError({"rating": "Choose a number from 1 to 5."})
    parsed = parse_answer(text)
    given = rating if rating is not None else parsed.rating
    with transaction.atomic():
        survey = Survey.objects.select_for_update().select_related("incident").get(pk=survey.pk)
        answer = SurveyAnswer(
            survey=survey,
            text=text,
            rating=given,
            replaced_rating=survey.rating if given is not None and survey.rating not in (None, given) else None,
            message=message,
            by_user=by_user,
            received_at=now,
        )
        fields = ["answered_at"]
        if given is not None:
            survey.rating = given
            fields.append("rating")
        if parsed.comment:
            sentiment = score_text(parsed.comment)
            survey.comment, survey.comment_label, survey.comment_score = (
                parsed.comment,
                sentiment.label,
                sentiment.score,
            )
            fields += ["comment", "comment_label", "comment_score"]
        survey.answered_at = now
        survey.save(update_fields=fields)
        refused = ""
        if already_reopened:
            answer.reopened = True
        elif parsed.problem_back:
            refused = _reopen(survey.incident, text, message, by_user)
            answer.reopened = not refused
        answer.save()
    return AnswerOutcome(survey=survey, answer=answer, reopened=answer.reopened, reopen_refused=refused)


def _reopen(incident: Incident, text: str, message: SocialMessage | None, by_user) -> str:
    """The answer says the problem is back: the reopen rules decide (resolved, within the
    window). Returns why not, or "" when it reopened."""
    actor = by_user or (message.identity.contact if message is not None and message.identity else incident.reporter)
    try:
        with transaction.atomic():
            tickets.incident_reopen_by_reporter(incident=incident, actor=actor, note=text)
    except ValidationError as error:
        return "; ".join(error.messages)
    return ""


# --- answers on social channels ------------------------------------------------------------------

SURVEY_ANSWER_REASON = "An answer to the satisfaction survey."


def survey_open_on(*, incident: Incident, channel: str, now: datetime | None = None) -> Survey | None:
    """The incident's survey on that channel that still takes answers, if any."""
    return (
        Survey.objects.filter(
            incident=incident, medium=channel, state=SurveyState.SENT, expires_at__gt=now or timezone.now()
        )
        .order_by("-sent_at")
        .first()
    )


def survey_answers_record_from_messages(*, message_ids: list[int]) -> int:
    """Record the inbound messages of `message_ids` that intake took as survey answers (see
    `feedback.receivers.take_survey_answers`); return how many. Idempotent: a message
    already recorded as an answer is skipped."""
    messages = list(
        SocialMessage.objects.filter(pk__in=message_ids, direction=Direction.INBOUND, incident__isnull=False)
        .filter(
            Q(state=MessageState.RECORDED, state_reason=SURVEY_ANSWER_REASON)
            # A reply saying the problem is back reopened its incident at intake; with a score
            # in it ("1, it's broken again") it is also the survey's answer.
            | Q(state=MessageState.JOINED, state_reason__startswith=REOPENED_REASON.split("{", 1)[0])
        )
        .exclude(pk__in=SurveyAnswer.objects.filter(message__isnull=False).values("message_id"))
        .select_related("incident", "identity__contact")
    )
    recorded = 0
    for message in messages:
        reopened = message.state == MessageState.JOINED
        if reopened and (
            message.state_reason != REOPENED_REASON.format(number=message.incident.number)
            or parse_answer(message.text).rating is None
        ):
            continue  # a reopen without a score is no answer to the survey
        survey = survey_open_on(incident=message.incident, channel=message.channel, now=message.created_at)
        if survey is None:
            continue
        survey_answer_record(
            survey=survey, text=message.text, message=message, now=message.created_at, already_reopened=reopened
        )
        recorded += 1
    return recorded


# --- answers on the portal and through the e-mail's links -------------------------------------


def survey_portal_open(*, incident: Incident, now: datetime | None = None) -> Survey | None:
    """The incident's portal survey while it takes answers (what its page offers), if any."""
    return Survey.objects.filter(
        incident=incident, medium=PORTAL, state=SurveyState.SENT, expires_at__gt=now or timezone.now()
    ).first()


def survey_answer_on_portal(
    *, incident: Incident, user: User, rating: int, comment: str = "", now: datetime | None = None
) -> AnswerOutcome:
    """The reporter's 1–5 choice (and words, if any) on their incident's page in the portal.
    Only the incident's reporter answers its survey."""
    reporter_user_id = incident.reporter.user_id
    if reporter_user_id is None or reporter_user_id != user.pk:
        raise PermissionDenied("Only the person who reported the incident answers its survey.")
    survey = survey_portal_open(incident=incident, now=now)
    if survey is None:
        raise ValidationError("This incident's survey takes no answers now.")
    return survey_answer_record(survey=survey, rating=rating, text=comment.strip(), by_user=user, now=now)


def survey_answer_by_link(*, token: str, rating: int, comment: str = "", now: datetime | None = None) -> AnswerOutcome:
    """The rating chosen through one of the e-mail's signed links (confirmed on its page,
    perhaps changed there, with words if any). The link is the person's key: it names the
    survey, and expires with the answer window."""
    try:
        survey, _linked_rating = rating_from_token(token, now=now)
    except signing.SignatureExpired:
        raise ValidationError("This link has expired: answers to the survey are closed.") from None
    except signing.BadSignature:
        raise ValidationError("This link is not valid: it may have been cut or changed.") from None
    if survey.medium != EMAIL:
        raise ValidationError("This link is not valid: it may have been cut or changed.")
    return survey_answer_record(survey=survey, rating=rating, text=comment.strip(), now=now)
