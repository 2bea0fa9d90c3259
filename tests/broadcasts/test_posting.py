"""Publishing on each channel through social's outbox: X and Facebook mocked only at HTTP,
with the recorded X answer of ../shared/fixtures; what is posted is kept, and so is what
happens to it at the platform."""

import json
from datetime import timedelta
from itertools import count

import pytest
import responses
import time_machine
from django.utils import timezone

from broadcasts import services
from broadcasts.models import BroadcastPost, BroadcastRecord, BroadcastState, PostState, RecordKind
from social.events import Kind
from social.models import MessageState, SocialMessage
from social.signals import outbound_changed_at_source
from tickets.models import Channel

from ..social.factories import SocialAccountFactory

X_API = "https://api.twitter.com/2"
GRAPH = "https://graph.facebook.com"
PAGE_ID = "1234567890321"

pytestmark = pytest.mark.django_db


@pytest.fixture
def http():
    """X and Facebook: every request not registered fails the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def x_account(db):
    return SocialAccountFactory(channel=Channel.TWITTER, external_id="783214", handle="ITdesk", credentials=True)


@pytest.fixture
def page(db):
    return SocialAccountFactory(channel=Channel.FACEBOOK, external_id=PAGE_ID, handle="IT desk", credentials=True)


@pytest.fixture
def recorded(shared_fixtures):
    def load(cassette: str, index: int = 0) -> tuple[int, dict]:
        interactions = json.loads((shared_fixtures / "x_api_v2_recorded" / "decoded" / f"{cassette}.json").read_text())
        return interactions[index]["status"]["code"], interactions[index]["response"]

    return load


@pytest.fixture
def publish(agent, manager, django_capture_on_commit_callbacks):
    """Draft, submit and approve; tasks (publishing, sending) run as they would on commit."""

    def run(*, channels, text="Mail is down for maintenance tonight, 22:00-23:00.", **kw):
        with django_capture_on_commit_callbacks(execute=True):
            broadcast = services.broadcast_create(by=agent, kind="maintenance", text=text, channels=channels, **kw)
            services.broadcast_submit(broadcast=broadcast, by=agent)
        with django_capture_on_commit_callbacks(execute=True):
            services.broadcast_approve(broadcast=broadcast, by=manager)
        broadcast.refresh_from_db()
        return broadcast

    return run


def tweet_ids():
    ids = count(1456012973835788293)

    def answer(request):
        return 201, {}, json.dumps({"data": {"id": str(next(ids)), "text": json.loads(request.body)["text"]}})

    return answer


def test_it_posts_on_x_with_the_recorded_answer_and_keeps_the_id_and_link(publish, x_account, http, recorded):
    status, body = recorded("test_client_create_and_delete_tweet", 0)
    http.post(f"{X_API}/tweets", json=body, status=status)
    broadcast = publish(channels=["twitter"])
    assert json.loads(http.calls[0].request.body) == {"text": "Mail is down for maintenance tonight, 22:00-23:00."}
    post = BroadcastPost.objects.get(broadcast=broadcast)
    assert post.state == PostState.PUBLISHED
    assert post.platform_id == "1456012973835788293"
    assert post.url == "https://x.com/ITdesk/status/1456012973835788293"
    assert post.message.kind == Kind.POST and post.message.state == MessageState.SENT
    posted = BroadcastRecord.objects.get(broadcast=broadcast, kind=RecordKind.POSTED)
    assert (posted.channel, posted.platform_id) == ("twitter", "1456012973835788293")


def test_a_long_x_post_becomes_a_numbered_thread(publish, x_account, http):
    http.add_callback(responses.POST, f"{X_API}/tweets", callback=tweet_ids())
    words = "Mail is moving to the new servers this weekend and may be slow while it does. " * 6
    broadcast = publish(channels=["twitter"], text=words.strip())
    posted = [json.loads(call.request.body) for call in http.calls]
    assert [p["text"][:4] for p in posted] == ["1/2 ", "2/2 "]
    assert "reply" not in posted[0]  # the thread starts with a post of its own
    assert posted[1]["reply"] == {"in_reply_to_tweet_id": "1456012973835788293"}
    post = BroadcastPost.objects.get(broadcast=broadcast)
    assert post.parts == ["1456012973835788293", "1456012973835788294"]
    assert post.platform_id == "1456012973835788293"


def test_it_posts_on_the_facebook_page(publish, page, http, settings):
    settings.FACEBOOK_GRAPH_VERSION = "v25.0"
    http.post(f"{GRAPH}/v25.0/{PAGE_ID}/feed", json={"id": f"{PAGE_ID}_987654"})
    broadcast = publish(channels=["facebook", "status"], links=["https://status.example.org/m/1"])
    assert "message=Mail+is+down" in http.calls[0].request.body
    post = BroadcastPost.objects.get(broadcast=broadcast, channel="facebook")
    assert (post.state, post.platform_id) == (PostState.PUBLISHED, f"{PAGE_ID}_987654")
    assert post.url == f"https://www.facebook.com/{PAGE_ID}_987654"
    assert post.message.text.endswith("\nhttps://status.example.org/m/1")
    status = BroadcastPost.objects.get(broadcast=broadcast, channel="status")
    assert status.state == PostState.PUBLISHED


def test_without_an_account_or_credentials_it_waits_queued_with_the_reason(publish, http):
    SocialAccountFactory(channel=Channel.FACEBOOK, external_id=PAGE_ID, handle="IT desk")  # no token
    broadcast = publish(channels=["twitter", "facebook"])
    assert broadcast.state == BroadcastState.PUBLISHED
    messages = {m.channel: m for m in SocialMessage.objects.all()}
    assert messages["twitter"].state == MessageState.QUEUED
    assert "No active account is configured" in messages["twitter"].state_reason
    assert messages["facebook"].state == MessageState.QUEUED
    assert (
        "No Facebook page access token is configured (FACEBOOK_PAGE_ACCESS_TOKEN)" in messages["facebook"].state_reason
    )
    assert set(BroadcastPost.objects.values_list("state", flat=True)) == {PostState.QUEUED}
    assert not http.calls


def test_a_rate_limit_waits_and_the_retry_posts_once(publish, x_account, http):
    reset = int((timezone.now() + timedelta(minutes=15)).timestamp())
    http.post(
        f"{X_API}/tweets", json={"title": "Too Many Requests"}, status=429, headers={"x-rate-limit-reset": str(reset)}
    )
    broadcast = publish(channels=["twitter"])
    message = SocialMessage.objects.get()
    assert message.state == MessageState.QUEUED and message.state_reason.startswith("Rate limited")
    http.reset()
    http.add_callback(responses.POST, f"{X_API}/tweets", callback=tweet_ids())
    from social.outbox.send import message_send

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert message_send(message_id=message.pk) == MessageState.SENT
        assert message_send(message_id=message.pk) == MessageState.SENT  # run twice: posted once
    assert len(http.calls) == 1
    assert BroadcastPost.objects.get(broadcast=broadcast).state == PostState.PUBLISHED


def test_a_scheduled_broadcast_waits_for_its_time(publish, x_account, http, django_capture_on_commit_callbacks):
    when = timezone.now() + timedelta(hours=3)
    broadcast = publish(channels=["twitter", "status"], scheduled_for=when)
    assert broadcast.state == BroadcastState.APPROVED
    assert services.broadcasts_publish_due() == 0
    assert not BroadcastPost.objects.exists()
    http.add_callback(responses.POST, f"{X_API}/tweets", callback=tweet_ids())
    from broadcasts.tasks import publish_due_broadcasts

    with time_machine.travel(when + timedelta(seconds=30)):
        with django_capture_on_commit_callbacks(execute=True):
            publish_due_broadcasts()
        with django_capture_on_commit_callbacks(execute=True):
            publish_due_broadcasts()  # twice: nothing more
    broadcast.refresh_from_db()
    assert broadcast.state == BroadcastState.PUBLISHED
    assert BroadcastPost.objects.filter(broadcast=broadcast).count() == 2
    assert len(http.calls) == 1


def test_an_edit_and_a_deletion_at_the_platform_are_new_records_the_original_kept(publish, x_account, http):
    http.add_callback(responses.POST, f"{X_API}/tweets", callback=tweet_ids())
    broadcast = publish(channels=["twitter"])
    message = SocialMessage.objects.get()
    outbound_changed_at_source.send(
        sender=SocialMessage, message_id=message.pk, action="edit", text="Mail is down tonight, 22:00-23:30.", at=None
    )
    outbound_changed_at_source.send(sender=SocialMessage, message_id=message.pk, action="delete", text="", at=None)
    records = list(BroadcastRecord.objects.filter(broadcast=broadcast).values_list("kind", "text"))
    assert records[-3:] == [
        (RecordKind.POSTED, "Mail is down for maintenance tonight, 22:00-23:00."),
        (RecordKind.EDITED_AT_PLATFORM, "Mail is down tonight, 22:00-23:30."),
        (RecordKind.DELETED_AT_PLATFORM, ""),
    ]
    message.refresh_from_db()
    assert message.text == "Mail is down for maintenance tonight, 22:00-23:00."  # the desk's words, as sent
