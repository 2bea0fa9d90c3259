"""The user stream (server-sent events, read by Mastodon.py), the instance mocked at HTTP with
the recorded stream of ../shared/fixtures/mastodon/test_stream_user_direct.yaml and the real
intake. In the recording the desk is `mastodonpy_test`: its stream carries two statuses of its
own home timeline (`update`), two mentions (`notification`: one public, one direct), then an
edit (`status.update`) and a deletion (`delete`) of its own first status."""

import itertools
import json
import threading
import time

import pytest
import yaml

from social.events import Kind
from social.inbox.watch import AccountWatchers
from social.mastodon import stream as stream_module
from social.mastodon.poll import poll
from social.mastodon.stream import DeskListener, stream_user, watch
from social.models import Direction, InboundEvent, MessageState
from social.signals import outbound_changed_at_source
from tickets.models import EventKind

from ..factories import SocialAccountFactory, SocialMessageFactory
from .conftest import API, DESK, INSTANCE, drain, message

STREAM = "http://localhost:4000/api/v1/streaming/user"  # the instance's streaming server, as it says
PUBLIC_MENTION = "117024236408130890"  # from admin
DIRECT_MENTION = "117024236635443611"  # from mastodonpy_test_2, answering the desk's direct status
DESK_STATUS = "117024236332527350"  # the desk's own: streamed as update, status.update, delete
HOME_TIMELINE_DIRECT = "117024236559579118"


@pytest.fixture
def cassette(shared_fixtures):
    return yaml.safe_load((shared_fixtures / "mastodon" / "test_stream_user_direct.yaml").read_text())["interactions"]


@pytest.fixture
def recorded_stream(cassette) -> str:
    """The user stream's body as the streaming server sent it."""
    [body] = [i["response"]["body"]["string"] for i in cassette if i["request"]["uri"] == STREAM]
    return body


@pytest.fixture
def complaining_stream(recorded_stream) -> str:
    """The recorded stream, its public mention saying what is wrong (the recorded words are
    chatter, which the desk's judge may keep as feedback rather than open an incident for)."""
    recorded_words = " beep beep I&#39;m a jeep"
    assert recorded_words in recorded_stream
    return recorded_stream.replace(recorded_words, " the VPN drops every hour, please help")


@pytest.fixture
def streaming_instance(instance, cassette):
    """The instance's own answers about itself (where its stream is), as recorded."""
    for interaction in cassette:
        if "/instance/" in interaction["request"]["uri"]:
            instance.get(interaction["request"]["uri"], body=interaction["response"]["body"]["string"], status=200)
    return instance


def serve_stream(instance, body: str, *, status: int = 200, content_type: str = "text/event-stream") -> None:
    instance.get(STREAM, body=body, status=status, content_type=content_type)


def sse(events: list[tuple[str, object]]) -> str:
    """A stream body of the events as Mastodon's streaming server writes them."""
    lines = [":)"]
    for name, data in events:
        lines += [f"event: {name}", f"data: {data if isinstance(data, str) else json.dumps(data)}", ""]
    return "\n".join(lines) + "\n"


def recorded_events(recorded_stream: str) -> dict[str, list]:
    """The stream's events by name, their data parsed as Mastodon.py does."""
    found: dict[str, list] = {}
    for block in recorded_stream.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if "event" in fields:
            found.setdefault(fields["event"], []).append(json.loads(fields["data"]))
    return found


def listen(desk, *, on_connect=lambda **kwargs: 0) -> DeskListener:
    listener = DeskListener(account=desk, stop=threading.Event(), on_connect=on_connect)
    stream_user(desk, listener)
    return listener


@pytest.fixture
def _processing_not_enqueued(monkeypatch):
    monkeypatch.setattr("social.inbox.store._enqueue_processing", lambda shards: None)


pytestmark = pytest.mark.usefixtures("_processing_not_enqueued")


@pytest.mark.django_db
def test_streamed_mentions_are_stored_once_and_the_poll_finds_nothing_new(
    desk, streaming_instance, complaining_stream, streamed
):
    serve_stream(streaming_instance, complaining_stream)
    connected = []

    listener = listen(desk, on_connect=lambda **kwargs: connected.append(kwargs["account"]))

    assert connected == [desk]  # once, on the stream's first word
    stored = InboundEvent.objects.filter(channel="mastodon")
    assert sorted(stored.values_list("dedup_key", "source")) == [
        (PUBLIC_MENTION, "stream"),
        (DIRECT_MENTION, "stream"),
    ]
    assert listener.stored == 2
    request = streaming_instance.calls[-1].request
    assert request.url == STREAM and request.headers["Authorization"] == "Bearer desk-token"

    # The poll reads the same notifications: nothing stored twice.
    polled = [streamed[PUBLIC_MENTION], streamed[DIRECT_MENTION]]
    streaming_instance.get(f"{API}/notifications", json=polled)
    assert poll(account=desk) == 0
    drain()
    assert message(PUBLIC_MENTION).kind == Kind.MENTION and message(PUBLIC_MENTION).incident_id
    direct = message(DIRECT_MENTION)
    assert direct.kind == Kind.DM and direct.thread_key == "dm:mastodonpy_test_2@localhost:3000"


@pytest.mark.django_db
def test_statuses_of_the_home_timeline_the_desk_never_met_are_passed_over(desk, streaming_instance, recorded_stream):
    serve_stream(streaming_instance, recorded_stream)

    listen(desk)

    # The desk's home timeline (update), and an edit and a deletion of a status it does not have.
    assert not InboundEvent.objects.filter(dedup_key__contains=DESK_STATUS).exists()
    assert not InboundEvent.objects.filter(dedup_key__contains=HOME_TIMELINE_DIRECT).exists()


@pytest.mark.django_db
def test_a_mention_edited_then_deleted_at_the_source_is_followed(desk, streaming_instance, complaining_stream):
    events = recorded_events(complaining_stream)
    mention = next(n for n in events["notification"] if n["status"]["id"] == PUBLIC_MENTION)
    edited = {
        **mention["status"],
        "content": "<p>the VPN drops every hour, and now every minute</p>",
        "edited_at": "2026-08-02T05:30:00.000Z",
    }
    serve_stream(streaming_instance, sse([("notification", mention)]))
    listen(desk)
    drain()
    incident = message(PUBLIC_MENTION).incident

    serve_stream(streaming_instance, sse([("status.update", edited)]))
    listen(desk)
    drain()
    found = message(PUBLIC_MENTION)
    assert found.text == "the VPN drops every hour, and now every minute"
    assert found.edited_at.isoformat().startswith("2026-08-02T05:30:00")
    incident.refresh_from_db()
    assert incident.description == found.text
    # The history: the description as it was, and as it is now.
    edit = incident.events.get(kind=EventKind.SOURCE_EDIT)
    assert edit.old_value.startswith("@mastodonpy_test@localhost:3000 the VPN drops every hour, please help")
    assert edit.new_value.startswith(found.text)

    serve_stream(streaming_instance, sse([("delete", PUBLIC_MENTION)]))
    listen(desk)
    drain()
    found = message(PUBLIC_MENTION)
    assert found.deleted and found.text == "" and found.raw == {"redacted": True}
    incident.refresh_from_db()
    assert "VPN" not in incident.description and "every minute" not in incident.description
    assert InboundEvent.objects.get(dedup_key=f"delete:{PUBLIC_MENTION}").payload["thread_key"] == found.thread_key


@pytest.mark.django_db
def test_the_desks_own_status_edited_and_deleted_is_kept_as_sent_and_told(
    desk, streaming_instance, recorded_stream, django_capture_on_commit_callbacks
):
    answer = SocialMessageFactory(
        channel="mastodon",
        direction=Direction.OUTBOUND,
        state=MessageState.SENT,
        account_external_id=DESK,
        external_id=DESK_STATUS,
        text="only real cars respond.",
        url=f"{INSTANCE}/@mastodonpy_test/{DESK_STATUS}",
    )
    told = []

    def hear(**kwargs):
        told.append((kwargs["action"], kwargs["text"]))

    outbound_changed_at_source.connect(hear, weak=False)
    try:
        serve_stream(streaming_instance, recorded_stream)
        listen(desk)
        with django_capture_on_commit_callbacks(execute=True):
            drain()
    finally:
        outbound_changed_at_source.disconnect(hear)

    assert told == [("edit", "only real animals respond."), ("delete", "")]
    answer.refresh_from_db()
    assert answer.text == "only real cars respond." and not answer.deleted


# --- the watch: connecting, pausing, giving up ------------------------------------------------------


@pytest.fixture
def watched_desk():
    return SocialAccountFactory(
        channel="mastodon",
        external_id=DESK,
        handle=f"@{DESK}",
        base_url=INSTANCE,
        access_token="desk-token",
        poll_enabled=True,
    )


@pytest.mark.django_db(transaction=True)
def test_the_watch_polls_on_connecting_stores_what_is_streamed_and_ends_where_the_stream_is_gone(
    watched_desk, streaming_instance, recorded_stream
):
    streaming_instance.get(f"{API}/notifications", json=[])
    serve_stream(streaming_instance, recorded_stream)
    serve_stream(streaming_instance, '{"error":"Not found"}', status=404, content_type="application/json")

    assert watch(account_id=watched_desk.pk, stop=threading.Event()) == "no streaming"

    paths = [call.request.url.split("?")[0] for call in streaming_instance.calls]
    assert paths.count(f"{API}/notifications") == 1  # polled once, on the one stream that opened
    assert paths.count(STREAM) == 2  # and opened again once the instance closed it
    assert set(InboundEvent.objects.values_list("dedup_key", flat=True)) == {PUBLIC_MENTION, DIRECT_MENTION}
    watched_desk.refresh_from_db()
    assert watched_desk.polled_at is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("status", "content_type", "ended"),
    [
        (404, "application/json", "no streaming"),
        (200, "text/html", "no streaming"),  # a proxy's page where the stream should be
        (401, "application/json", "refused"),
    ],
)
def test_an_instance_that_will_not_stream_leaves_the_account_to_the_scheduled_poll(
    watched_desk, streaming_instance, status, content_type, ended
):
    serve_stream(streaming_instance, "<html>nothing here</html>", status=status, content_type=content_type)
    polled = []

    assert watch(account_id=watched_desk.pk, stop=threading.Event(), on_connect=polled.append) == ended
    assert polled == [] and not InboundEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_lost_stream_is_opened_again_after_pauses_that_grow(watched_desk, streaming_instance, monkeypatch):
    monkeypatch.setattr(stream_module, "FIRST_PAUSE_SECONDS", 0.1)
    opened = []

    def unavailable(request):
        opened.append(time.monotonic())
        return (503, {}, "") if len(opened) <= 3 else (404, {}, "")

    streaming_instance.add_callback("GET", STREAM, callback=unavailable)

    assert watch(account_id=watched_desk.pk, stop=threading.Event()) == "no streaming"

    gaps = [later - earlier for earlier, later in itertools.pairwise(opened)]
    assert len(gaps) == 3
    for gap, pause in zip(gaps, [0.1, 0.2, 0.4], strict=True):
        assert gap >= pause


@pytest.mark.django_db(transaction=True)
def test_a_watch_told_to_stop_stops_at_what_the_stream_says_next(watched_desk, streaming_instance, recorded_stream):
    serve_stream(streaming_instance, recorded_stream)
    stop = threading.Event()

    # Told to stop as it connects: the stream's next word (the first update) ends it.
    assert watch(account_id=watched_desk.pk, stop=stop, on_connect=lambda **kwargs: stop.set()) == "stopped"
    assert not InboundEvent.objects.exists()


@pytest.mark.django_db
def test_accounts_on_instances_are_watched():
    account = SocialAccountFactory(channel="mastodon", external_id=DESK, base_url=INSTANCE, poll_enabled=True)
    before = AccountWatchers.wanted()[account.pk]
    account.access_token = "another-token"
    account.save()
    assert AccountWatchers.wanted()[account.pk] != before
