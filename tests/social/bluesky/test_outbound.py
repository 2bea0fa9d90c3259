"""Answers on Bluesky: reply posts with references to the thread's root and the person's post,
a mention facet, a thread above 300 graphemes, each part put at a record key chosen before
posting, so a retry never posts twice. The PDS is mocked at HTTP (respx); the SDK and the
outbox are real."""

import json

import httpx
import pytest
from django.utils import timezone

from social.bluesky.outbound import record_keys
from social.models import Direction, MessageState, SocialMessage
from social.outbox import send as outbox_send
from tickets import services as tickets

from .conftest import DESK_DID
from .test_threading import JESS, ROOT, poll_once, post

pytestmark = pytest.mark.django_db
PUT = "/com.atproto.repo.putRecord"
REPLY_URI = ROOT[:-3] + "r2r"


class Repo:
    """The desk's repository on the PDS, as putRecord keeps it: a record at a key, put again
    identical, stays one record."""

    def __init__(self):
        self.records: dict[str, dict] = {}
        self.puts = 0

    def put(self, request: httpx.Request) -> httpx.Response:
        self.puts += 1
        body = json.loads(request.content)
        assert body["repo"] == DESK_DID and body["collection"] == "app.bsky.feed.post"
        self.records[body["rkey"]] = body["record"]
        uri = f"at://{DESK_DID}/app.bsky.feed.post/{body['rkey']}"
        return httpx.Response(200, json={"uri": uri, "cid": "bafy" + body["rkey"], "validationStatus": "valid"})

    def get(self, request: httpx.Request) -> httpx.Response:
        key = request.url.params["rkey"]
        if key not in self.records:
            return httpx.Response(400, json={"error": "RecordNotFound", "message": "Could not locate record"})
        uri = f"at://{DESK_DID}/app.bsky.feed.post/{key}"
        return httpx.Response(200, json={"uri": uri, "cid": "bafy" + key, "value": self.records[key]})


@pytest.fixture
def repo(pds) -> Repo:
    repo = Repo()
    pds.post(PUT, name="put").mock(side_effect=repo.put)
    pds.get("/com.atproto.repo.getRecord", name="get").mock(side_effect=repo.get)
    return repo


def opened(desk, pds, *, parent=None) -> SocialMessage:
    """Jess's post (a reply under ROOT when `parent`), processed: the acknowledgement queued."""
    uri = REPLY_URI if parent else ROOT
    poll_once(desk, pds, post(uri, "@shinyakato.dev the wifi is down", parent=parent, root=ROOT if parent else None))
    return SocialMessage.objects.get(direction=Direction.OUTBOUND)


def send(message: SocialMessage) -> SocialMessage:
    outbox_send.message_send(message_id=message.pk)
    message.refresh_from_db()
    return message


def test_the_acknowledgement_replies_under_the_post_with_a_mention_facet(desk, pds, repo):
    ack = send(opened(desk, pds))

    [key] = record_keys(ack, 1)
    assert (ack.state, ack.external_id) == (MessageState.SENT, f"at://{DESK_DID}/app.bsky.feed.post/{key}")
    record = repo.records[key]
    assert record["text"].startswith("@jess.bsky.social Thanks Jess Moreau")
    # A top-level post: it is the thread's root and the parent.
    assert record["reply"]["root"]["uri"] == record["reply"]["parent"]["uri"] == ROOT
    assert record["reply"]["parent"]["cid"] == "bafy" + ROOT[-6:]
    [facet] = record["facets"]
    assert facet["index"] == {
        "byteStart": 0,
        "byteEnd": len("@jess.bsky.social"),
        "$type": "app.bsky.richtext.facet#byteSlice",
    }
    assert facet["features"][0]["did"] == JESS


def test_a_reply_in_a_thread_names_its_root_and_the_persons_post(desk, pds, repo):
    send(opened(desk, pds, parent=ROOT[:-3] + "p2p"))

    [record] = repo.records.values()
    assert record["reply"]["root"] == {"uri": ROOT, "cid": "bafyroot", "$type": "com.atproto.repo.strongRef"}
    assert record["reply"]["parent"]["uri"] == REPLY_URI


def test_a_long_answer_is_a_thread_each_part_answering_the_one_before(desk, pds, repo, agent):
    send(opened(desk, pds))
    incident = SocialMessage.objects.get(external_id=ROOT).incident
    body = "We found the cause: the access point in the reading room lost its uplink. " * 8

    comment = tickets.comment_create(incident=incident, body=body, visibility="public", author=agent)
    answer = send(SocialMessage.objects.get(comment=comment))

    keys = record_keys(answer, 3)
    parts = [repo.records[key] for key in keys]
    assert answer.state == MessageState.SENT and len(answer.parts) == 3
    assert [p["text"].split(" ", 1)[0] for p in parts] == ["1/3", "2/3", "3/3"]
    assert (
        parts[1]["reply"]["parent"]["uri"] == answer.parts[0] and parts[2]["reply"]["parent"]["uri"] == answer.parts[1]
    )
    assert all(p["reply"]["root"]["uri"] == ROOT for p in parts)
    assert "facets" in parts[0] and "facets" not in parts[1]


def test_a_retry_after_a_timeout_puts_the_same_record_at_the_same_key_and_posts_nothing_twice(desk, pds, repo):
    ack = opened(desk, pds)
    pds.routes["put"].mock(side_effect=httpx.ReadTimeout("no answer"))

    assert send(ack).state == MessageState.SENDING  # it may be on the PDS

    pds.routes["put"].mock(side_effect=repo.put)
    SocialMessage.objects.filter(pk=ack.pk).update(next_attempt_at=timezone.now(), leased_until=None)
    first_try = json.loads(pds.routes["put"].calls[0].request.content)
    ack = send(ack)

    assert ack.state == MessageState.SENT
    assert pds.routes["get"].called  # it looked for the record before putting it again
    second_try = json.loads(pds.routes["put"].calls[-1].request.content)
    assert second_try == first_try  # same key, same record (same createdAt): the PDS keeps one
    assert len(repo.records) == 1


def test_a_thread_cut_short_is_completed_not_started_again(desk, pds, repo, agent):
    send(opened(desk, pds))
    incident = SocialMessage.objects.get(external_id=ROOT).incident
    body = "The reading room access point is being replaced this afternoon, sorry. " * 8
    puts = iter([None, httpx.ConnectError("reset")])

    def second_part_fails(request):
        outcome = next(puts, None)
        if outcome is not None:
            raise outcome
        return repo.put(request)

    pds.routes["put"].mock(side_effect=second_part_fails)
    comment = tickets.comment_create(incident=incident, body=body, visibility="public", author=agent)
    answer = send(SocialMessage.objects.get(comment=comment))
    assert answer.state != MessageState.SENT and len(repo.records) == 2  # the ack, and part 1

    pds.routes["put"].mock(side_effect=repo.put)
    SocialMessage.objects.filter(pk=answer.pk).update(next_attempt_at=timezone.now(), leased_until=None)
    answer = send(answer)

    assert answer.state == MessageState.SENT
    assert len(repo.records) == 1 + 3  # the ack and three parts, none twice


def test_a_refused_record_fails_with_the_pdss_words(desk, pds, repo):
    pds.routes["put"].mock(
        return_value=httpx.Response(
            400, json={"error": "InvalidRequest", "message": "Invalid app.bsky.feed.post record"}
        )
    )
    ack = send(opened(desk, pds))

    assert ack.state == MessageState.FAILED and "Invalid app.bsky.feed.post record" in ack.state_reason


def test_a_pds_that_cannot_be_reached_is_retried_later(desk, pds, repo):
    pds.routes["put"].mock(side_effect=httpx.ConnectError("refused"))
    ack = send(opened(desk, pds))

    assert ack.state == MessageState.QUEUED and ack.next_attempt_at > timezone.now()


def test_without_an_app_password_the_answer_waits_with_the_reason(desk, pds, repo):
    ack = opened(desk, pds)
    desk.password = ""
    desk.save()

    ack = send(ack)

    assert ack.state == MessageState.QUEUED and "BLUESKY_APP_PASSWORD" in ack.state_reason
    assert repo.puts == 0
