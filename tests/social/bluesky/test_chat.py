"""Direct messages on Bluesky through the chat service: the log read with its cursor through the
PDS with the atproto-proxy header, each message kept to its conversation, answers sent into it
and, after a timeout, looked for before anything is sent again; an account whose chat is
refused has its direct messages off with the reason, its mentions untouched. The PDS is mocked
at HTTP (respx) with the hand-written chat examples of ../shared/fixtures/bluesky (whose sender
is the recorded desk: the tests give the messages to Jess); the SDK and the pipeline are real."""

import itertools
import json

import httpx
import pytest
from django.utils import timezone

from social.bluesky.poll import poll
from social.events import Kind
from social.models import Direction, InboundEvent, MessageState, SocialMessage
from social.outbox import send as outbox_send
from tickets import services as tickets

from .conftest import DESK_DID, drain, message
from .test_threading import JESS, ROOT, post

pytestmark = pytest.mark.django_db
LOG = "/chat.bsky.convo.getLog"
SEND = "/chat.bsky.convo.sendMessage"
MESSAGES = "/chat.bsky.convo.getMessages"
LIST = "/app.bsky.notification.listNotifications"
PROXY = "did:web:api.bsky.chat#bsky_chat"


@pytest.fixture(autouse=True)
def _no_mentions(pds):
    pds.get(LIST, name="notifications").mock(return_value=httpx.Response(200, json={"notifications": []}))


@pytest.fixture
def chat_log(recorded) -> dict:
    """The recorded getLog page, its messages Jess's: a conversation begun and left, a message
    and its deletion (`1234` in conversation `1234`), the message saying what is wrong."""
    page = recorded("atproto.dart/chat.bsky.convo.getLog")
    for log in page["logs"]:
        if "message" in log:
            log["message"]["sender"]["did"] = JESS
            log["message"]["text"] = "Hi, the wifi in the library is down"
            log["relatedProfiles"] = [{"did": JESS, "handle": "jess.bsky.social", "displayName": "Jess Moreau"}]
    return page


def said(text: str, *, message_id: str, convo: str = "1234", sender: str = JESS) -> dict:
    """One more message, shaped as the recorded logCreateMessage."""
    return {
        "$type": "chat.bsky.convo.defs#logCreateMessage",
        "rev": message_id,
        "convoId": convo,
        "message": {
            "$type": "chat.bsky.convo.defs#messageView",
            "id": message_id,
            "rev": message_id,
            "text": text,
            "sender": {"did": sender},
            "sentAt": "2026-12-07T10:00:00.000Z",
        },
    }


def serve_log(pds, *pages: dict) -> None:
    """Pages of the log by the cursor they are asked with (None: the first)."""
    by_cursor = {None: pages[0]}
    for before, after in itertools.pairwise(pages):
        by_cursor[before["cursor"]] = after
    pds.routes["chat_log"].mock(
        side_effect=lambda request: httpx.Response(
            200, json=by_cursor.get(request.url.params.get("cursor"), {"logs": [], "cursor": pages[-1]["cursor"]})
        )
    )


def test_a_direct_message_is_read_through_the_chat_proxy_and_opens_an_incident_of_its_conversation(desk, pds, chat_log):
    serve_log(pds, chat_log)

    assert poll(account=desk) == 1  # the message; its conversation's comings and goings are not stored

    request = pds.routes["chat_log"].calls[0].request
    assert request.headers["atproto-proxy"] == PROXY and "cursor" not in request.url.params
    assert "atproto-proxy" not in pds.routes["notifications"].calls[0].request.headers
    desk.refresh_from_db()
    assert desk.dm_poll_cursor == chat_log["cursor"] and desk.dm_unavailable == ""
    drain()
    dm = message("1234")
    assert (dm.kind, dm.thread_key, dm.state, dm.text) == (
        Kind.DM,
        "convo:1234",
        MessageState.NEW_INCIDENT,
        "Hi, the wifi in the library is down",
    )
    assert (dm.identity.external_id, dm.identity.handle) == (JESS, "@jess.bsky.social")
    ack = SocialMessage.objects.get(direction=Direction.OUTBOUND)
    assert (ack.kind, ack.thread_key, ack.in_reply_to) == (Kind.DM, "convo:1234", "1234")


def test_the_next_message_of_the_conversation_joins_its_incident_read_from_the_cursor(desk, pds, chat_log):
    serve_log(pds, chat_log, {"logs": [said("still no wifi", message_id="1235")], "cursor": "c2"})
    poll(account=desk)
    drain()
    incident = message("1234").incident

    desk.refresh_from_db()
    poll(account=desk)
    drain()

    asked = [call.request.url.params.get("cursor") for call in pds.routes["chat_log"].calls]
    assert asked[:2] == [None, chat_log["cursor"]]
    follow_up = message("1235")
    assert follow_up.incident == incident and follow_up.state == MessageState.JOINED
    assert follow_up.comment.body == "still no wifi"
    desk.refresh_from_db()
    assert desk.dm_poll_cursor == "c2"


def test_the_desks_own_messages_and_other_conversations_events_are_not_taken_in(desk, pds, recorded):
    # As recorded: every message is the desk's own (what the outbox sent, recorded there).
    serve_log(pds, recorded("atproto.dart/chat.bsky.convo.getLog"))

    assert poll(account=desk) == 0
    assert not InboundEvent.objects.exists()


def test_a_malformed_message_is_kept_with_the_reason_and_loses_none_of_the_others(desk, pds, chat_log):
    broken = said("no sender", message_id="1236")
    broken["message"]["sender"] = {"did": "jess"}
    chat_log["logs"].append(broken)
    serve_log(pds, chat_log)

    assert poll(account=desk) == 2
    drain()
    assert message("1234").state == MessageState.NEW_INCIDENT
    [ignored] = InboundEvent.objects.filter(dedup_key__startswith="ignore:chat:")
    assert "message.sender is not a DID" in ignored.payload["ignore_reason"]


@pytest.mark.parametrize(
    "refusal",
    [
        httpx.Response(400, json={"error": "InvalidToken", "message": "Bad token scope"}),
        httpx.Response(401, json={"error": "AuthenticationRequired", "message": "Authentication Required"}),
    ],
)
def test_a_chat_refused_leaves_direct_messages_off_with_the_reason_and_mentions_read(desk, pds, refusal):
    pds.routes["notifications"].mock(
        return_value=httpx.Response(200, json={"notifications": [post(ROOT, "@shinyakato.dev the wifi is down")]})
    )
    pds.routes["chat_log"].mock(return_value=refusal)

    assert poll(account=desk) == 1  # the mention

    desk.refresh_from_db()
    assert "Allow access to your direct messages" in desk.dm_unavailable
    assert desk.token_error == "" and DESK_DID in desk.session  # the account and its session are fine
    assert desk.poll_cursor and pds.routes["login"].call_count == 1

    # Given the permission, the next poll reads them, and says so.
    pds.routes["chat_log"].mock(return_value=httpx.Response(200, json={"logs": [], "cursor": "c1"}))
    poll(account=desk)
    desk.refresh_from_db()
    assert desk.dm_unavailable == "" and desk.dm_poll_cursor == "c1"


# --- answers -------------------------------------------------------------------------------------


class Convo:
    """Conversation 1234 as the chat service keeps it: sendMessage adds a message, with no
    client id (the same text sent twice is two messages)."""

    def __init__(self):
        self.messages: list[dict] = []

    def send(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert request.headers["atproto-proxy"] == PROXY and body["convoId"] == "1234"
        sent = {
            "$type": "chat.bsky.convo.defs#messageView",
            "id": f"9{len(self.messages):03d}",
            "rev": "1",
            "text": body["message"]["text"],
            "sender": {"did": DESK_DID},
            "sentAt": timezone.now().isoformat().replace("+00:00", "Z"),
        }
        self.messages.insert(0, sent)  # newest first, as getMessages gives them
        return httpx.Response(200, json=sent)

    def latest(self, request: httpx.Request) -> httpx.Response:
        assert request.headers["atproto-proxy"] == PROXY and request.url.params["convoId"] == "1234"
        return httpx.Response(200, json={"messages": self.messages})


@pytest.fixture
def convo(pds, chat_log) -> Convo:
    convo = Convo()
    pds.post(SEND, name="send").mock(side_effect=convo.send)
    pds.get(MESSAGES, name="messages").mock(side_effect=convo.latest)
    serve_log(pds, chat_log)
    return convo


def send(message: SocialMessage) -> SocialMessage:
    outbox_send.message_send(message_id=message.pk)
    message.refresh_from_db()
    return message


def answered(desk) -> SocialMessage:
    poll(account=desk)
    drain()
    return SocialMessage.objects.get(direction=Direction.OUTBOUND)


def test_the_answer_goes_into_the_conversation(desk, pds, convo):
    ack = send(answered(desk))

    assert (ack.state, ack.external_id) == (MessageState.SENT, "9000")
    [sent] = convo.messages
    assert sent["text"] == ack.text and "INC" in sent["text"]


def test_a_retry_after_a_timeout_looks_at_the_conversation_and_sends_nothing_twice(desk, pds, convo, agent):
    ack = send(answered(desk))

    def sent_then_timed_out(request):
        convo.send(request)  # the service has it; the answer never came back
        raise httpx.ReadTimeout("no answer")

    pds.routes["send"].mock(side_effect=sent_then_timed_out)
    comment = tickets.comment_create(
        incident=message("1234").incident, body="We are on it.", visibility="public", author=agent
    )
    answer = send(SocialMessage.objects.get(comment=comment))
    assert answer.state == MessageState.SENDING  # it may be there

    pds.routes["send"].mock(side_effect=convo.send)
    SocialMessage.objects.filter(pk=answer.pk).update(next_attempt_at=timezone.now(), leased_until=None)
    answer = send(answer)

    assert (answer.state, answer.external_id) == (MessageState.SENT, "9001")
    assert [m["text"] for m in convo.messages] == ["We are on it.", ack.text]  # once each


def test_a_retry_after_a_timeout_that_sent_nothing_sends_it(desk, pds, convo, agent):
    send(answered(desk))
    pds.routes["send"].mock(side_effect=httpx.ReadTimeout("no answer"))
    comment = tickets.comment_create(
        incident=message("1234").incident, body="We are on it.", visibility="public", author=agent
    )
    answer = send(SocialMessage.objects.get(comment=comment))
    assert answer.state == MessageState.SENDING

    pds.routes["send"].mock(side_effect=convo.send)
    SocialMessage.objects.filter(pk=answer.pk).update(next_attempt_at=timezone.now(), leased_until=None)
    answer = send(answer)

    assert answer.state == MessageState.SENT and pds.routes["messages"].called
    assert [m["text"] for m in convo.messages].count("We are on it.") == 1


def test_an_answer_on_an_account_without_chat_fails_with_the_reason_and_holds_nothing_else(desk, pds, convo):
    ack = answered(desk)
    desk.dm_unavailable = "Bluesky refused the account's chat (Bad token scope)."
    desk.save()

    ack = send(ack)

    assert ack.state == MessageState.FAILED and "Direct messages are off" in ack.state_reason
    desk.refresh_from_db()
    assert desk.token_error == ""
