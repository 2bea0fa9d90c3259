"""The status page's 90 days: folded from the recorded state changes, kept until the next one."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from status.models import StateChange
from status.selectors import HISTORY_DAYS, history, history_kept

from ..factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def change(service, state: str, *, days_ago: float, previous: str = "operational") -> StateChange:
    return StateChange.objects.create(
        service=service, state=state, previous=previous, at=timezone.now() - timedelta(days=days_ago)
    )


def states(days: list[dict]) -> list[str]:
    return [entry["state"] for entry in days]


def test_it_carries_the_state_from_before_the_window_through_quiet_days():
    erp, mail = ServiceFactory(name="ERP"), ServiceFactory(name="Mail")
    change(erp, "operational", days_ago=400, previous="")
    change(erp, "degraded", days_ago=200)  # the last before the window: degraded ever since
    change(mail, "major_outage", days_ago=300)
    change(mail, "operational", days_ago=10, previous="major_outage")

    days = history()

    assert states(days[erp.pk]) == ["degraded"] * HISTORY_DAYS
    assert states(days[mail.pk]) == ["major_outage"] * (HISTORY_DAYS - 11) + ["major_outage"] + ["operational"] * 10


def test_each_day_shows_its_worst_state_oldest_first():
    vpn = ServiceFactory(name="VPN")
    change(vpn, "partial_outage", days_ago=5.1)
    change(vpn, "operational", days_ago=5.0, previous="partial_outage")

    strip = history()[vpn.pk]

    assert len(strip) == HISTORY_DAYS
    assert strip[-1]["day"] == timezone.localdate()
    worst = [entry for entry in strip if entry["state"] != "operational"]
    assert [entry["state"] for entry in worst] in (["partial_outage"], ["partial_outage"] * 2)  # across midnight


def test_it_folds_the_days_once_until_a_state_is_recorded(django_assert_num_queries):
    vpn = ServiceFactory(name="VPN")
    change(vpn, "degraded", days_ago=3)
    first = history_kept()
    with django_assert_num_queries(1):  # the newest change's id: the days are kept
        assert history_kept() == first

    change(vpn, "major_outage", days_ago=0, previous="degraded")

    assert states(history_kept()[vpn.pk])[-1] == "major_outage"
