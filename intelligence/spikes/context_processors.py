from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from tickets.access import is_agent

from .selectors import alerts_raised
from .services import BANNER_CACHE_KEY

BANNER_SIZE = 3
BANNER_CACHE_SECONDS = 30


def _banner() -> dict:
    """The alerts the banner shows, as plain values: cached for a few seconds and forgotten
    whenever an alert changes, so most pages read no alert at all."""
    banner = cache.get(BANNER_CACHE_KEY)
    if banner is None:
        alerts = alerts_raised(limit=BANNER_SIZE + 1)
        banner = {
            "alerts": [
                {
                    "pk": alert.pk,
                    "headline": alert.headline,
                    "metric": alert.metric,
                    "window_start": alert.window_start,
                    "window_end": alert.window_end,
                    "observed": alert.observed,
                    "expected": alert.expected,
                    "ratio": alert.ratio,
                    "observed_share": alert.observed_share,
                    "expected_share": alert.expected_share,
                }
                for alert in alerts[:BANNER_SIZE]
            ],
            "more": len(alerts) > BANNER_SIZE,
        }
        cache.set(BANNER_CACHE_KEY, banner, BANNER_CACHE_SECONDS)
    return banner


def spike_alerts(request):
    """The spike alerts nobody has acknowledged, for the console's banner (agents and managers).
    Lazy: nothing is read unless a page draws the banner; then one query, or none when cached.
    (The role check reuses the permissions `tickets.context_processors.roles` loaded.)"""
    user = getattr(request, "user", None)
    if user is None or not is_agent(user):
        return {"spike_banner": None}
    return {"spike_banner": SimpleLazyObject(_banner)}
