"""Polling the notifications API with since_id, the instance mocked at HTTP and the real
intake (InboundEvent rows in PostgreSQL)."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests
import responses
from django.utils import timezone

from social.mastodon import poll as poll_module
from social.mastodon.poll import poll
from social.models import InboundEvent

from .conftest import API, notification

pytestmark = pytest.mark.django_db
NOTIFICATIONS = f"{API}/notifications"


@pytest.fixture(autouse=True)
def _processing_not_enqueued(monkeypatch):
    # These tests stop at the stored events; processing them is tested in test_threading.
    monkeypatch.setattr("social.inbox.store._enqueue_processing", lambda shards: None)


def query(call) -> dict[str, list[str]]:
    return parse_qs(urlparse(call.request.url).query)


def after(max_id: str):
    return responses.matchers.query_param_matcher({"max_id": max_id}, strict_match=False)


def mentions(recorded, *ids: str) -> list[dict]:
    """Notifications of the recorded mention, one per id, newest first as the API gives them."""
    [template] = recorded("test_notifications_mentions_only", 1)
    found = []
    for notification_id in ids:
        status = {**template["status"], "id": f"1170205771576{int(notification_id):05d}"}
        found.append(notification(status, notification_id=notification_id))
    return found


def test_a_first_poll_reads_one_page_of_mentions_and_edits_and_keeps_the_newest_id(desk, instance, recorded):
    instance.get(NOTIFICATIONS, json=mentions(recorded, "21", "20"))

    assert poll(account=desk) == 2

    params = query(instance.calls[0])
    assert params["types[]"] == ["mention", "update"] and params["limit"] == ["40"]
    assert "since_id" not in params
    assert instance.calls[0].request.headers["Authorization"] == "Bearer desk-token"
    desk.refresh_from_db()
    assert desk.poll_cursor == "21" and desk.polled_at is not None
    assert InboundEvent.objects.filter(channel="mastodon", source="poll").count() == 2


def test_the_next_poll_asks_since_the_cursor_and_pages_down_to_it(desk, instance, recorded, monkeypatch):
    monkeypatch.setattr(poll_module, "PAGE_SIZE", 2)
    desk.poll_cursor = "21"
    desk.save()
    instance.get(NOTIFICATIONS, json=[], match=[after("22")])  # down to the cursor: nothing older
    instance.get(NOTIFICATIONS, json=mentions(recorded, "23", "22"), match=[after("24")])
    instance.get(NOTIFICATIONS, json=mentions(recorded, "25", "24"))

    assert poll(account=desk) == 4

    assert [query(call)["since_id"] for call in instance.calls] == [["21"]] * 3
    assert [query(call).get("max_id") for call in instance.calls] == [None, ["24"], ["22"]]
    desk.refresh_from_db()
    assert desk.poll_cursor == "25"


def test_nothing_new_keeps_the_cursor(desk, instance):
    desk.poll_cursor = "21"
    desk.save()
    instance.get(NOTIFICATIONS, json=[])

    assert poll(account=desk) == 0
    desk.refresh_from_db()
    assert desk.poll_cursor == "21"


def test_a_notification_read_twice_is_stored_once(desk, instance, recorded):
    instance.get(NOTIFICATIONS, json=mentions(recorded, "21"))
    assert poll(account=desk) == 1
    desk.poll_cursor = ""
    desk.save()
    assert poll(account=desk) == 0
    assert InboundEvent.objects.count() == 1


def test_one_malformed_notification_is_kept_ignored_and_the_good_ones_stored(desk, instance, recorded):
    good = mentions(recorded, "21")
    instance.get(NOTIFICATIONS, json=[{"id": "22", "type": "mention", "status": "gone"}, *good])

    assert poll(account=desk) == 2

    states = {e.dedup_key: e.payload["action"] for e in InboundEvent.objects.all()}
    assert states[good[0]["status"]["id"]] == "create"
    assert "ignore" in states.values()


def test_a_rate_limit_stops_the_poll_until_it_ends_and_moves_no_cursor(desk, instance):
    reset = "2030-01-01T10:05:00.000Z"
    instance.get(
        NOTIFICATIONS,
        status=429,
        json={"error": "Too many requests"},
        headers={"X-RateLimit-Reset": reset, "X-RateLimit-Remaining": "0", "X-RateLimit-Limit": "300"},
    )

    assert poll(account=desk) == 0

    desk.refresh_from_db()
    assert desk.rate_limited_until.isoformat().startswith("2030-01-01T10:05")
    assert desk.poll_cursor == ""
    assert poll(account=desk) == 0 and len(instance.calls) == 1  # not asked again before then


def test_a_refused_token_is_shown_to_the_admins(desk, instance, recorded):
    instance.get(NOTIFICATIONS, status=401, json={"error": "The access token is invalid"})

    assert poll(account=desk) == 0

    desk.refresh_from_db()
    assert "refused the access token (401)" in desk.token_error and desk.token_error_at is not None


def test_an_instance_that_does_not_answer_is_tried_next_time(desk, instance):
    instance.get(NOTIFICATIONS, body=requests.ConnectTimeout("no route"))

    assert poll(account=desk) == 0
    desk.refresh_from_db()
    assert desk.poll_cursor == "" and desk.polled_at is None


def test_an_account_without_token_or_instance_is_not_polled(desk, instance):
    desk.access_token = ""
    desk.save()
    assert poll(account=desk) == 0
    desk.access_token, desk.base_url = "t", ""
    desk.save()
    assert poll(account=desk) == 0
    desk.refresh_from_db()
    assert "MASTODON_BASE_URL" in desk.token_error
    assert not instance.calls and timezone.now()
