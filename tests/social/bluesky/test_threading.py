"""Bluesky's threading rules, end to end: notifications polled (the PDS mocked at HTTP),
processed by the real pipeline. One test per rule: the parent, then the root."""

import httpx
import pytest

from social.bluesky.poll import poll
from social.models import Direction, MessageState, SocialMessage
from tickets.models import Incident

from .conftest import DESK_DID, drain, message

pytestmark = pytest.mark.django_db
LIST = "/app.bsky.notification.listNotifications"
JESS = "did:plc:jessjessjessjessjessjess"
ROOT = "at://did:plc:jessjessjessjessjessjess/app.bsky.feed.post/3laaaaaaaaa2a"
ACK = f"at://{DESK_DID}/app.bsky.feed.post/3lbbbbbbbbb2b"


def post(uri, text, *, parent=None, root=None, reason="mention"):
    record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-12-07T09:00:00.000Z", "langs": ["en"]}
    if parent:
        record["reply"] = {
            "root": {"uri": root or parent, "cid": "bafyroot"},
            "parent": {"uri": parent, "cid": "bafyparent"},
        }
    return {
        "uri": uri,
        "cid": "bafy" + uri[-6:],
        "author": {"did": JESS, "handle": "jess.bsky.social", "displayName": "Jess Moreau"},
        "reason": reason,
        "record": record,
        "isRead": False,
        "indexedAt": "2026-12-07T09:00:01.000Z",
        "labels": [],
    }


def poll_once(desk, pds, *notifications):
    pds.get(LIST).mock(return_value=httpx.Response(200, json={"notifications": list(notifications)}))
    desk.poll_cursor = ""
    desk.save()
    poll(account=desk)
    drain()


@pytest.fixture
def incident(desk, pds) -> Incident:
    poll_once(desk, pds, post(ROOT, "@shinyakato.dev the wifi in the library is down"))
    ack = SocialMessage.objects.get(direction=Direction.OUTBOUND)
    SocialMessage.objects.filter(pk=ack.pk).update(state=MessageState.SENT, external_id=ACK)
    return Incident.objects.get()


def test_a_mention_opens_an_incident(incident):
    opened = message(ROOT)
    assert (opened.state, opened.incident, opened.identity.external_id) == (MessageState.NEW_INCIDENT, incident, JESS)
    assert incident.channel == "bluesky" and incident.title == "the wifi in the library is down"


def test_a_reply_joins_the_incident_of_its_parent(desk, pds, incident):
    poll_once(desk, pds, post(ROOT[:-3] + "c2c", "still down", parent=ACK, root=ROOT, reason="reply"))

    joined = message(ROOT[:-3] + "c2c")
    assert (joined.state, joined.incident, joined.in_reply_to) == (MessageState.JOINED, incident, ACK)
    assert Incident.objects.count() == 1


def test_a_reply_to_a_post_the_desk_never_saw_joins_by_the_threads_root(desk, pds, incident):
    unseen = "at://did:plc:someoneelsesomeoneelse12/app.bsky.feed.post/3lzzzzzzzzz2z"

    poll_once(desk, pds, post(ROOT[:-3] + "d2d", "same here on floor 2", parent=unseen, root=ROOT, reason="reply"))

    joined = message(ROOT[:-3] + "d2d")
    assert (joined.state, joined.incident, joined.thread_key) == (MessageState.JOINED, incident, ROOT)


def test_a_new_top_level_mention_opens_another_incident(desk, pds, incident):
    poll_once(desk, pds, post(ROOT[:-3] + "e2e", "@shinyakato.dev and the printer too"))
    assert Incident.objects.count() == 2
