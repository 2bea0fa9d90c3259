"""Posts deleted at their source, found by the poll (getPosts, then getRecord at the author's
repository), the PDS mocked at HTTP under the real `atproto` SDK, and processed by the real
pipeline: every copy redacted, the record that it existed kept."""

from datetime import timedelta
from functools import partial

import httpx
import pytest
from django.utils import timezone

from social.bluesky import deletions
from social.bluesky.poll import poll
from social.models import InboundEvent, SocialMessage
from tickets.models import Incident

from .conftest import drain, message, posts_still_there
from .test_threading import ROOT, poll_once, post

pytestmark = pytest.mark.django_db
RECORD = "/com.atproto.repo.getRecord"
NOT_FOUND = httpx.Response(400, json={"error": "RecordNotFound", "message": f"Could not locate record: {ROOT}"})


@pytest.fixture
def mentioned(desk, pds) -> Incident:
    poll_once(desk, pds, post(ROOT, "@shinyakato.dev the wifi in the library is down since 9"))
    # Written an hour ago, whatever day the test runs.
    SocialMessage.objects.filter(external_id=ROOT).update(created_at=timezone.now() - timedelta(hours=1))
    return Incident.objects.get()


def poll_again(desk, pds) -> int:
    pds.get("/app.bsky.notification.listNotifications").mock(
        return_value=httpx.Response(200, json={"notifications": []})
    )
    stored = poll(account=desk)
    drain()
    return stored


def test_a_post_gone_from_its_authors_repository_is_redacted_everywhere(desk, pds, mentioned):
    pds.routes["posts"].side_effect = partial(posts_still_there, gone=frozenset({ROOT}))
    asked = pds.get(RECORD).mock(return_value=NOT_FOUND)

    assert poll_again(desk, pds) == 1

    params = asked.calls[0].request.url.params
    assert (params["repo"], params["collection"], params["rkey"]) == (
        "did:plc:jessjessjessjessjessjess",
        "app.bsky.feed.post",
        "3laaaaaaaaa2a",
    )
    gone = message(ROOT)
    assert gone.deleted and gone.text == "" and gone.raw == {"redacted": True}
    mentioned.refresh_from_db()
    assert "wifi" not in mentioned.description
    assert InboundEvent.objects.get(dedup_key=f"delete:{ROOT}").payload["thread_key"] == gone.thread_key
    # Once redacted, it is not asked after again.
    before = len(pds.routes["posts"].calls)
    assert poll_again(desk, pds) == 0
    assert len(pds.routes["posts"].calls) == before


def test_a_post_only_hidden_from_the_desk_is_kept(desk, pds, mentioned):
    """Left out of getPosts (its author blocked the desk, say) but still in its repository."""
    pds.routes["posts"].side_effect = partial(posts_still_there, gone=frozenset({ROOT}))
    pds.get(RECORD).mock(
        return_value=httpx.Response(200, json={"uri": ROOT, "cid": "bafy", "value": {"text": "still here"}})
    )

    assert poll_again(desk, pds) == 0
    assert not message(ROOT).deleted and "wifi" in message(ROOT).text


def test_posts_still_there_are_asked_after_25_at_a_time_and_nothing_changes(desk, pds, mentioned):
    assert poll_again(desk, pds) == 0
    asked = pds.routes["posts"].calls[-1].request.url.params.get_list("uris")
    assert asked == [ROOT]
    assert not message(ROOT).deleted
    assert deletions.BATCH == 25  # getPosts' own limit


def test_a_refusal_while_looking_loses_nothing_and_fails_no_poll(desk, pds, mentioned):
    pds.routes["posts"].side_effect = None
    pds.routes["posts"].return_value = httpx.Response(502, text="Bad Gateway")

    assert poll_again(desk, pds) == 0
    desk.refresh_from_db()
    assert desk.polled_at is not None and desk.token_error == ""
    assert not message(ROOT).deleted


def test_old_posts_are_not_looked_at_again(desk, pds, mentioned):
    SocialMessage.objects.filter(external_id=ROOT).update(
        created_at=timezone.now() - timedelta(days=deletions.RECHECK_DAYS, hours=1)
    )
    before = len(pds.routes["posts"].calls)
    poll_again(desk, pds)
    assert len(pds.routes["posts"].calls) == before
