"""Every write to spike alerts: raising (the detector), acknowledging and resolving (agents and
managers), and the major incident or problem opened from one. Keyword-only and typed; the role
rules are here, so pages, tasks and any future API agree."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from intelligence.signals import alert_raised
from tickets import services as tickets
from tickets.access import is_agent
from tickets.models import Channel, Impact, Incident, Problem, Service, Urgency

from .models import OPEN_STATES, AlertState, Metric, Scope, SpikeAlert
from .tasks import email_alert

logger = logging.getLogger(__name__)

BANNER_CACHE_KEY = "intelligence:spikes:banner"


def _require_agent(actor: User) -> None:
    if not is_agent(actor):
        raise PermissionDenied("Only agents and managers may act on spike alerts.")


def _locked(alert: SpikeAlert) -> SpikeAlert:
    return SpikeAlert.objects.select_for_update().get(pk=alert.pk)


def banner_forget() -> None:
    """The banner's cached alerts are stale once an alert changes (after the commit)."""
    transaction.on_commit(lambda: cache.delete(BANNER_CACHE_KEY), robust=True)


def alert_raise(
    *,
    service: Service | None,
    metric: str,
    window_start: datetime,
    window_end: datetime,
    score: float,
    observed: float,
    expected: float,
    scored: int | None = None,
    raised_at: datetime | None = None,
) -> SpikeAlert:
    """Store an alert of the detector (the system raises it, nobody else). Once committed it is
    announced: `intelligence.signals.alert_raised`, and an e-mail to the managers if
    SPIKE_ALERT_EMAIL is on."""
    alert = SpikeAlert(
        scope=Scope.SERVICE if service else Scope.OVERALL,
        service=service,
        metric=metric,
        window_start=window_start,
        window_end=window_end,
        score=score,
        observed=observed,
        expected=expected,
        scored=scored if metric == Metric.NEGATIVE_SHARE else None,
        raised_at=raised_at or timezone.now(),
    )
    alert.full_clean()
    if window_end <= window_start:
        raise ValidationError({"window_end": "An alert's window must end after it starts."})
    alert.save(force_insert=True)
    banner_forget()
    transaction.on_commit(lambda: _announce(alert), robust=True)
    return alert


def _announce(alert: SpikeAlert) -> None:
    alert_raised.send(sender=SpikeAlert, alert=alert)
    if settings.SPIKE_ALERT_EMAIL:
        email_alert.delay(alert.pk)


def alert_acknowledge(*, alert: SpikeAlert, actor: User) -> SpikeAlert:
    """Somebody is on it: the banner stops showing it."""
    _require_agent(actor)
    with transaction.atomic():
        alert = _locked(alert)
        if alert.state != AlertState.RAISED:
            raise ValidationError(f"This alert is already {alert.get_state_display().lower()}.")
        alert.state = AlertState.ACKNOWLEDGED
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = actor
        alert.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
        banner_forget()
    return alert


def alert_resolve(*, alert: SpikeAlert, actor: User) -> SpikeAlert:
    """Over: from raised (a false alarm, say) or acknowledged."""
    _require_agent(actor)
    with transaction.atomic():
        alert = _locked(alert)
        if alert.state == AlertState.RESOLVED:
            raise ValidationError("This alert is already resolved.")
        now = timezone.now()
        fields = ["state", "resolved_at", "resolved_by"]
        if alert.state == AlertState.RAISED:  # resolving answers it too
            alert.acknowledged_at, alert.acknowledged_by = now, actor
            fields += ["acknowledged_at", "acknowledged_by"]
        alert.state, alert.resolved_at, alert.resolved_by = AlertState.RESOLVED, now, actor
        alert.save(update_fields=fields)
        banner_forget()
    return alert


def _acknowledged_by_acting(alert: SpikeAlert, actor: User, fields: list[str]) -> None:
    if alert.state == AlertState.RAISED:
        alert.state, alert.acknowledged_at, alert.acknowledged_by = AlertState.ACKNOWLEDGED, timezone.now(), actor
        fields += ["state", "acknowledged_at", "acknowledged_by"]


def _describe(alert: SpikeAlert) -> str:
    window = f"{timezone.localtime(alert.window_start):%d %b %H:%M}–{timezone.localtime(alert.window_end):%H:%M}"
    if alert.metric == Metric.VOLUME:
        figures = f"{alert.observed:.0f} messages where about {alert.expected:.1f} were expected"
    else:
        figures = (
            f"{alert.observed:.0f} negative messages of {alert.scored} ({alert.observed_share:.0%}) "
            f"where about {alert.expected_share:.0%} is usual"
        )
    return f"{alert.headline} ({window}): {figures}; score {alert.score:.1f}."


def alert_open_major_incident(*, alert: SpikeAlert, actor: User) -> Incident:
    """Open a major incident (high impact, high urgency) for the spike, linked to the alert;
    the agent who opens it is its reporter."""
    _require_agent(actor)
    with transaction.atomic():
        alert = _locked(alert)
        if alert.incident_id:
            raise ValidationError("A major incident is already open for this alert.")
        if not alert.is_open:
            raise ValidationError("This alert is resolved.")
        incident = tickets.incident_create(
            reporter=tickets.contact_for_user(user=actor),
            title=f"{alert.headline}"[:200],
            description=_describe(alert),
            channel=Channel.WEB,
            impact=Impact.HIGH,
            urgency=Urgency.HIGH,
            service=alert.service,
            major=True,
            actor=actor,
        )
        alert.incident = incident
        fields = ["incident"]
        _acknowledged_by_acting(alert, actor, fields)
        alert.save(update_fields=fields)
        banner_forget()
    return incident


def alert_open_problem(*, alert: SpikeAlert, actor: User) -> Problem:
    """Open a problem for the spike (its cause is what to find), linked to the alert."""
    _require_agent(actor)
    with transaction.atomic():
        alert = _locked(alert)
        if alert.problem_id:
            raise ValidationError("A problem is already open for this alert.")
        problem = tickets.problem_create(
            title=f"{alert.headline}"[:200],
            description=_describe(alert),
            service=alert.service,
            actor=actor,
            incidents=[alert.incident] if alert.incident_id else (),
        )
        alert.problem = problem
        fields = ["problem"]
        _acknowledged_by_acting(alert, actor, fields)
        alert.save(update_fields=fields)
        banner_forget()
    return problem


def alert_email(*, alert_id: int) -> int:
    """E-mail an alert to the managers (active users of the manager role with an address);
    returns how many were sent. Called by a worker, outside any transaction."""
    alert = SpikeAlert.objects.select_related("service").filter(pk=alert_id).first()
    if alert is None or alert.state not in OPEN_STATES:
        return 0
    recipients = sorted(
        User.objects.filter(is_active=True, groups__name="manager")
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if not recipients:
        return 0
    link = settings.SPIKE_ALERT_BASE_URL.rstrip("/") + reverse("spikes:alert_detail", args=[alert.pk])
    return send_mail(
        subject=f"[Service desk] {alert.headline}",
        message=f"{_describe(alert)}\n\n{link}\n",
        from_email=None,
        recipient_list=recipients,
    )
