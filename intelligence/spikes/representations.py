"""How a spike alert looks to the outside world, as a plain dict (the outgoing webhook event
`alert.raised` sends it). Expects the alert's service loaded (select_related)."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .models import SpikeAlert

ALERT_FIELDS = (
    "id",
    "headline",
    "scope",
    "service",
    "metric",
    "window_start",
    "window_end",
    "score",
    "observed",
    "expected",
    "scored",
    "observed_share",
    "expected_share",
    "ratio",
    "state",
    "raised_at",
    "url",
)


def _time(value: datetime | None) -> str | None:
    """As the REST API writes times: in the desk's time zone, UTC spelled Z."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def alert_representation(alert: SpikeAlert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "headline": alert.headline,
        "scope": alert.scope,
        "service": None if alert.service is None else {"id": alert.service.pk, "name": alert.service.name},
        "metric": alert.metric,
        "window_start": _time(alert.window_start),
        "window_end": _time(alert.window_end),
        "score": alert.score,
        "observed": alert.observed,
        "expected": alert.expected,
        "scored": alert.scored,
        "observed_share": alert.observed_share,
        "expected_share": alert.expected_share,
        "ratio": alert.ratio,
        "state": alert.state,
        "raised_at": _time(alert.raised_at),
        # Where a person reads it and acts (acknowledge, open a major incident), as in the e-mail.
        "url": settings.SPIKE_ALERT_BASE_URL.rstrip("/") + reverse("spikes:alert_detail", args=[alert.pk]),
    }
