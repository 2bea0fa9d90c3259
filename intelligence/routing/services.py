"""Writes of service suggestion: keywords (managers), training a new model version (a
worker), and suggesting a service for incidents and inbound messages (workers, as they
arrive), pre-filling an incident's empty service."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from feedback.dashboards.access import is_manager
from social.models import Direction, SocialMessage
from tickets import services as tickets
from tickets.models import Incident, IncidentStatus, Service

from . import learning
from .models import ServiceKeywords, ServiceModel, ServiceSuggestion, keyword_list
from .suggester import current_suggester

KEEP_VERSIONS = 5  # older model versions are deleted (their suggestions keep the number)
MAX_SAMPLES = 50_000  # the newest resolved incidents a version learns from
MIN_SAMPLES = 20  # fewer labelled incidents than this: keywords only


def service_keywords_set(*, service: Service, keywords: str, actor: User) -> ServiceKeywords:
    """A manager sets a service's keywords (comma- or line-separated)."""
    if not is_manager(actor):
        raise ValidationError("Only managers edit the services' keywords.")
    phrases = keyword_list(keywords)
    if any(len(p) < 2 for p in phrases):
        raise ValidationError("Each keyword needs at least two characters.")
    text = "\n".join(phrases)
    if len(text) > 2000:
        raise ValidationError("Keep a service's keywords under 2,000 characters.")
    row, _ = ServiceKeywords.objects.update_or_create(
        service=service, defaults={"keywords": text, "updated_by": actor, "updated_at": timezone.now()}
    )
    return row


def _labelled():
    """Resolved and closed incidents with a service (what agents left is the truth), not
    duplicates, the newest `MAX_SAMPLES`."""
    return Incident.objects.filter(
        status__in=[IncidentStatus.RESOLVED, IncidentStatus.CLOSED],
        service__isnull=False,
        duplicate_of__isnull=True,
    )


def service_model_train(*, force: bool = False, now: datetime | None = None) -> ServiceModel | None:
    """Train a new version if the labels changed since the newest (a new resolved incident, or
    a service corrected on one), or if `force`. Returns the new version, or None."""
    now = now or timezone.now()
    summary = _labelled().aggregate(count=Count("id"), until=Max("updated_at"))
    latest = ServiceModel.objects.order_by("-version").only("version", "samples", "labels_until").first()
    samples = min(summary["count"], MAX_SAMPLES)
    if not force and latest is not None and (latest.samples, latest.labels_until) == (samples, summary["until"]):
        return None
    rows = list(
        _labelled().order_by("-resolved_at", "-id").values_list("title", "description", "service_id")[:MAX_SAMPLES]
    )
    rows.reverse()  # oldest first: the hold-out is the newest
    texts = [learning.text_of(title, description) for title, description, _ in rows]
    labels = [service_id for _, _, service_id in rows]
    if len(rows) < MIN_SAMPLES or len(set(labels)) < 2:
        return None
    accuracy = learning.holdout_accuracy(texts, labels)
    blob = learning.dump(learning.fit(texts, labels))
    try:
        with transaction.atomic():
            model = ServiceModel.objects.create(
                version=(latest.version + 1) if latest else 1,
                trained_at=now,
                samples=len(rows),
                services=len(set(labels)),
                holdout_accuracy=accuracy,
                labels_until=summary["until"],
                blob=blob,
            )
    except IntegrityError:
        return None  # another worker stored this version first
    keep = ServiceModel.objects.order_by("-version").values_list("version", flat=True)[:KEEP_VERSIONS]
    ServiceModel.objects.exclude(version__in=list(keep)).delete()
    return model


def incidents_suggest(*, incident_ids: list[int], now: datetime | None = None) -> int:
    """Suggest a service for each incident not suggested yet, and give it to those that have
    none when the suggestion is confident enough. Idempotent. Returns the suggestions made."""
    now = now or timezone.now()
    incidents = list(
        Incident.objects.filter(pk__in=incident_ids, service_suggestion__isnull=True).only(
            "id", "title", "description", "service_id"
        )
    )
    if not incidents:
        return 0
    suggestions = current_suggester().suggest_many([learning.text_of(i.title, i.description) for i in incidents])
    made = 0
    for incident, suggestion in zip(incidents, suggestions, strict=True):
        if suggestion is None:
            continue
        with transaction.atomic():
            locked = Incident.objects.select_for_update().only("id", "service_id").get(pk=incident.pk)
            prefill = locked.service_id is None and suggestion.confidence >= settings.TRIAGE_PREFILL_CONFIDENCE
            _, created = ServiceSuggestion.objects.get_or_create(
                incident=locked,
                defaults={
                    "service_id": suggestion.service_id,
                    "confidence": suggestion.confidence,
                    "source": suggestion.source,
                    "model_version": suggestion.model_version,
                    "prefilled": prefill,
                    "suggested_at": now,
                },
            )
            if created and prefill:
                tickets.incident_update(
                    incident=Incident.objects.get(pk=incident.pk),
                    actor=None,
                    service=Service.objects.get(pk=suggestion.service_id),
                )
            made += created
    return made


def messages_suggest(*, message_ids: list[int], now: datetime | None = None) -> int:
    """Suggest a service for each inbound message with words not suggested yet. Idempotent."""
    now = now or timezone.now()
    messages = list(
        SocialMessage.objects.filter(
            pk__in=message_ids, direction=Direction.INBOUND, deleted=False, service_suggestion__isnull=True
        )
        .exclude(text="")
        .only("id", "text")
    )
    if not messages:
        return 0
    rows = [
        ServiceSuggestion(
            message=message,
            service_id=suggestion.service_id,
            confidence=suggestion.confidence,
            source=suggestion.source,
            model_version=suggestion.model_version,
            suggested_at=now,
        )
        for message, suggestion in zip(
            messages, current_suggester().suggest_many([m.text for m in messages]), strict=True
        )
        if suggestion is not None
    ]
    return len(ServiceSuggestion.objects.bulk_create(rows, ignore_conflicts=True))
