from datetime import timedelta

from django.utils import timezone

from intelligence.spikes import services
from intelligence.spikes.models import Metric


def raise_alert(*, service=None, metric=Metric.VOLUME, minutes_ago=10, observed=60.0, expected=4.0, scored=None):
    end = timezone.now() - timedelta(minutes=minutes_ago)
    return services.alert_raise(
        service=service,
        metric=metric,
        window_start=end - timedelta(minutes=5),
        window_end=end,
        score=7.5,
        observed=observed,
        expected=expected,
        scored=scored if scored is not None else (int(observed * 1.5) if metric == Metric.NEGATIVE_SHARE else None),
    )
