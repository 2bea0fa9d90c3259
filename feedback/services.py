"""Writes of the feedback app: the sentiment of what people write to the desk.

Three sources are scored, each once (the score row's one-to-one, or the description's unique
condition, is the idempotency key): inbound social messages, the descriptions of incidents
people open themselves (portal, API, e-mail: a social post is scored as its message), and
the comments reporters write on their incidents. The desk's own words are not scored.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from social.models import SOCIAL_CHANNELS, Direction, SocialMessage
from tickets.models import Comment, Incident, Visibility

from .models import ScoredSource, SentimentScore
from .sentiment import TextSentiment, model_version, score_texts

# The sweep looks this far back for what a lost task left unscored: new texts are scored as
# they arrive, so an older gap is not worth reading the whole table every run.
SWEEP_WINDOW = timedelta(days=7)
SWEEP_BATCH = 500


RESCORED_FIELDS = ["score", "label", "model_version", "compound", "positive", "neutral", "negative"]


def _score_fields(sentiment: TextSentiment) -> dict:
    return {
        "score": sentiment.score,
        "label": sentiment.label,
        "model_version": sentiment.model_version,
        "compound": sentiment.compound,
        "positive": sentiment.positive,
        "neutral": sentiment.neutral,
        "negative": sentiment.negative,
    }


# --- what is scorable ------------------------------------------------------------------------


def scorable_messages() -> QuerySet[SocialMessage]:
    """Inbound messages with words, not deleted at the source, and not scored yet. The
    desk's own answers say nothing about how people feel."""
    return SocialMessage.objects.filter(direction=Direction.INBOUND, deleted=False, sentiment__isnull=True).exclude(
        text=""
    )


def _social_channels() -> list[str]:
    return [value for value, _ in SOCIAL_CHANNELS]


def scorable_descriptions() -> QuerySet[Incident]:
    """Incidents opened with a description on a channel that is not social (a social post
    that opens an incident is scored as the message it is), not scored yet."""
    return (
        Incident.objects.exclude(description="")
        .exclude(channel__in=_social_channels())
        .exclude(sentiment_scores__source=ScoredSource.DESCRIPTION)
    )


def scorable_comments() -> QuerySet[Comment]:
    """Public comments the incident's reporter wrote (as a contact or as the contact's user),
    not mirrored from a social message (scored as the message), not scored yet."""
    return (
        Comment.objects.filter(incident__isnull=False, visibility=Visibility.PUBLIC, sentiment__isnull=True)
        .filter(Q(author_contact=F("incident__reporter")) | Q(author_user=F("incident__reporter__user")))
        .exclude(pk__in=SocialMessage.objects.filter(comment__isnull=False).values("comment_id"))
    )


# --- scoring ---------------------------------------------------------------------------------


def sentiment_score_messages(*, message_ids: Iterable[int]) -> int:
    """Score the messages of `message_ids` that are scorable; return how many were scored.

    Idempotent: scored messages are skipped, and the one-to-one key drops a score another
    worker stored meanwhile (ON CONFLICT DO NOTHING)."""
    ids = list(dict.fromkeys(message_ids))
    if not ids:
        return 0
    messages = list(scorable_messages().filter(pk__in=ids).only("id", "text", "channel", "incident_id", "created_at"))
    now = timezone.now()
    scores = [
        SentimentScore(
            source=ScoredSource.MESSAGE,
            message_id=message.pk,
            channel=message.channel,
            incident_id=message.incident_id,
            created_at=message.created_at,
            scored_at=now,
            **_score_fields(sentiment),
        )
        for message, sentiment in zip(messages, score_texts([m.text for m in messages]), strict=True)
    ]
    SentimentScore.objects.bulk_create(scores, ignore_conflicts=True)
    return len(scores)


def sentiment_score_descriptions(*, incident_ids: Iterable[int]) -> int:
    """Score the descriptions of the incidents of `incident_ids` that are scorable; return
    how many were scored. Idempotent like `sentiment_score_messages`."""
    ids = list(dict.fromkeys(incident_ids))
    if not ids:
        return 0
    incidents = list(scorable_descriptions().filter(pk__in=ids).only("id", "description", "channel", "created_at"))
    now = timezone.now()
    scores = [
        SentimentScore(
            source=ScoredSource.DESCRIPTION,
            incident_id=incident.pk,
            channel=incident.channel,
            created_at=incident.created_at,
            scored_at=now,
            **_score_fields(sentiment),
        )
        for incident, sentiment in zip(incidents, score_texts([i.description for i in incidents]), strict=True)
    ]
    SentimentScore.objects.bulk_create(scores, ignore_conflicts=True)
    return len(scores)


def sentiment_score_comments(*, comment_ids: Iterable[int]) -> int:
    """Score the reporters' comments of `comment_ids` that are scorable; return how many
    were scored. Idempotent like `sentiment_score_messages`."""
    ids = list(dict.fromkeys(comment_ids))
    if not ids:
        return 0
    comments = list(
        scorable_comments()
        .filter(pk__in=ids)
        .select_related("incident")
        .only("id", "body", "created_at", "incident__id", "incident__channel")
    )
    now = timezone.now()
    scores = [
        SentimentScore(
            source=ScoredSource.COMMENT,
            comment_id=comment.pk,
            incident_id=comment.incident_id,
            channel=comment.incident.channel,
            created_at=comment.created_at,
            scored_at=now,
            **_score_fields(sentiment),
        )
        for comment, sentiment in zip(comments, score_texts([c.body for c in comments]), strict=True)
    ]
    SentimentScore.objects.bulk_create(scores, ignore_conflicts=True)
    return len(scores)


def sentiment_score_unscored(*, batch_size: int = SWEEP_BATCH, max_batches: int = 20) -> int:
    """Score what the last `SWEEP_WINDOW` left unscored (a task lost with a worker), in
    batches, for each source; return how many were scored."""
    since = timezone.now() - SWEEP_WINDOW
    sweeps = [
        (scorable_messages(), sentiment_score_messages, "message_ids"),
        (scorable_descriptions(), sentiment_score_descriptions, "incident_ids"),
        (scorable_comments(), sentiment_score_comments, "comment_ids"),
    ]
    total = 0
    for queryset, score, argument in sweeps:
        for _ in range(max_batches):
            ids = list(
                queryset.filter(created_at__gte=since).order_by("-created_at").values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            total += score(**{argument: ids})
            if len(ids) < batch_size:
                break
    return total


# --- rescoring history when the model changes ---------------------------------------------------

RESCORE_BATCH = 1000


@dataclass(frozen=True)
class RescoreBatch:
    last_id: int  # the cursor: the next batch starts after this score's id (0: nothing was read)
    read: int  # score rows read in this batch (all of another model's version)
    rescored: int
    skipped: int  # whose words are gone (deleted at the source): left as they are
    done: bool  # nothing left after last_id


def stale_scores(*, version: str | None = None) -> QuerySet[SentimentScore]:
    """Scores another model (or VADER, before the model) made."""
    return SentimentScore.objects.exclude(model_version=version or model_version())


def sentiment_rescore_batch(*, after_id: int = 0, batch_size: int = RESCORE_BATCH) -> RescoreBatch:
    """Rescore, with the current model, the next `batch_size` stale scores after `after_id`
    (in id order), in place: score, label, version, VADER's reading and `scored_at` (so the
    dashboards' rollups recount their days).

    Resumable: give the last batch's `last_id` (starting again from 0 costs a walk of the
    ids, nothing more). Idempotent: a row of the current version is never read again. Safe
    beside another run: a batch's rows are locked (FOR UPDATE SKIP LOCKED), so two runs skip
    each other's rows; the scoring is arithmetic in this process, no network, so the locks
    are held briefly. Messages deleted at the source keep the score they had (`skipped`)."""
    version = model_version()
    with transaction.atomic():
        rows = list(
            stale_scores(version=version)
            .filter(pk__gt=after_id)
            .order_by("pk")
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("message", "comment", "incident")
            .only(
                "id",
                "source",
                "message__text",
                "message__deleted",
                "comment__body",
                "incident__description",
            )[:batch_size]
        )
        if not rows:
            return RescoreBatch(last_id=after_id, read=0, rescored=0, skipped=0, done=True)
        texts = {row.pk: text for row in rows if (text := _source_text(row))}
        sentiments = dict(zip(texts, score_texts(list(texts.values())), strict=True))
        now = timezone.now()
        changed = []
        for row in rows:
            if (sentiment := sentiments.get(row.pk)) is not None:
                for name, value in _score_fields(sentiment).items():
                    setattr(row, name, value)
                row.scored_at = now
                changed.append(row)
        SentimentScore.objects.bulk_update(changed, [*RESCORED_FIELDS, "scored_at"])
    return RescoreBatch(
        last_id=rows[-1].pk,
        read=len(rows),
        rescored=len(changed),
        skipped=len(rows) - len(changed),
        done=len(rows) < batch_size,
    )


def _source_text(score: SentimentScore) -> str:
    if score.source == ScoredSource.MESSAGE:
        return "" if score.message.deleted else score.message.text
    if score.source == ScoredSource.COMMENT:
        return score.comment.body
    return score.incident.description
