"""Answers on Facebook: what Messenger and comments allow, sending, and finding a comment
that may have been posted when the answer never came. Only graph.facebook.com is mocked."""

from datetime import timedelta
from urllib.parse import parse_qs

import pytest
import responses
import time_machine
from django.utils import timezone
from responses import matchers

from social.errors import OutcomeUnknown, Rejected, TokenInvalid
from social.events import Kind
from social.facebook.graph import appsecret_proof
from social.facebook.outbound import find_sent, rule_violation, send
from social.models import Direction, MessageState, SocialIdentity, SocialMessage

from ...factories import ContactFactory
from .conftest import PAGE_ID, PAGE_TOKEN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_pinned_version")]

BASE = "https://graph.facebook.com/v25.0"
PSID = "6060"
NOW = "2025-06-01 12:00:00+00:00"


@pytest.fixture
def person(db):
    return SocialIdentity.objects.create(channel="facebook", external_id=PSID, contact=ContactFactory(name="Jess"))


def message(kind: str, **fields) -> SocialMessage:
    values = {
        "channel": "facebook",
        "direction": Direction.OUTBOUND,
        "kind": kind,
        "account_external_id": PAGE_ID,
        "state": MessageState.QUEUED,
        "text": "Thanks Jess, we are looking into it.",
        "created_at": timezone.now(),
        **fields,
    }
    return SocialMessage.objects.create(**values)


def inbound(kind: str, external_id: str, **fields) -> SocialMessage:
    return message(
        kind, direction=Direction.INBOUND, state=MessageState.NEW_INCIDENT, external_id=external_id, **fields
    )


def form(call) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(call.request.body).items()}


# What Facebook allows ----------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("ago", [timedelta(minutes=1), timedelta(hours=23, minutes=59)])
def test_messenger_answers_within_24_hours_are_allowed(page, person, ago):
    reply = message(Kind.MESSENGER, identity=person, thread_key=f"messenger:{PSID}")
    assert rule_violation(account=page, message=reply, replying_to=None, last_inbound_at=timezone.now() - ago) == ""


@time_machine.travel(NOW, tick=False)
def test_messenger_answers_after_24_hours_are_not(page, person):
    reply = message(Kind.MESSENGER, identity=person, thread_key=f"messenger:{PSID}")
    last = timezone.now() - timedelta(hours=30)
    violation = rule_violation(account=page, message=reply, replying_to=None, last_inbound_at=last)
    assert "within 24 hours of the person's last message" in violation
    assert "30 hours ago" in violation
    just_over = timezone.now() - timedelta(hours=24, seconds=1)
    assert rule_violation(account=page, message=reply, replying_to=None, last_inbound_at=just_over)


def test_messenger_needs_the_person_to_have_written(page, person):
    reply = message(Kind.MESSENGER, identity=person)
    assert "has not" in rule_violation(account=page, message=reply, replying_to=None, last_inbound_at=None)


def test_messenger_text_is_limited_to_2000_characters(page, person):
    reply = message(Kind.MESSENGER, identity=person, text="x" * 2001)
    violation = rule_violation(account=page, message=reply, replying_to=None, last_inbound_at=timezone.now())
    assert "2,000 characters" in violation
    reply.text = "x" * 2000
    assert rule_violation(account=page, message=reply, replying_to=None, last_inbound_at=timezone.now()) == ""


def test_a_comment_answers_a_post_or_comment_that_still_exists(page):
    post = inbound(Kind.POST, f"{PAGE_ID}_555")
    reply = message(Kind.COMMENT, in_reply_to=post.external_id)
    assert rule_violation(account=page, message=reply, replying_to=post, last_inbound_at=None) == ""
    post.deleted = True
    violation = rule_violation(account=page, message=reply, replying_to=post, last_inbound_at=None)
    assert violation == "The post was deleted on Facebook, so it can no longer be answered."
    reply.in_reply_to = ""
    assert "must answer" in rule_violation(account=page, message=reply, replying_to=None, last_inbound_at=None)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (Kind.COMMENT, "   ", "An empty message cannot be sent to Facebook."),
        (Kind.COMMENT, "x" * 8001, "8,000 characters"),
        (Kind.REPLY, "Hello", "the desk posts, comments or answers on Messenger, not a Reply"),
    ],
)
def test_other_things_facebook_refuses(page, kind, text, expected):
    reply = message(kind, in_reply_to=f"{PAGE_ID}_555", text=text)
    assert expected in rule_violation(account=page, message=reply, replying_to=None, last_inbound_at=None)


# Sending -----------------------------------------------------------------------------------


def test_a_comment_is_posted_under_what_it_answers(graph_api, page):
    graph_api.add(responses.POST, f"{BASE}/555_777/comments", json={"id": "555_901"})
    reply = message(Kind.COMMENT, in_reply_to="555_777")
    assert send(account=page, message=reply) == ["555_901"]
    [call] = graph_api.calls
    assert call.request.url == f"{BASE}/555_777/comments"
    assert form(call) == {
        "message": "Thanks Jess, we are looking into it.",
        "access_token": PAGE_TOKEN,
        "appsecret_proof": appsecret_proof(access_token=PAGE_TOKEN, app_secret=page.app_secret),
    }


def test_a_messenger_message_goes_to_the_persons_psid_as_a_response(graph_api, page, person):
    graph_api.add(responses.POST, f"{BASE}/{PAGE_ID}/messages", json={"recipient_id": PSID, "message_id": "m_9"})
    reply = message(Kind.MESSENGER, identity=person, thread_key=f"messenger:{PSID}")
    assert send(account=page, message=reply) == ["m_9"]
    sent = form(graph_api.calls[0])
    assert (sent["recipient"], sent["messaging_type"]) == ('{"id":"6060"}', "RESPONSE")
    assert sent["message"] == '{"text":"Thanks Jess, we are looking into it."}'
    assert sent["appsecret_proof"] == appsecret_proof(access_token=PAGE_TOKEN, app_secret=page.app_secret)


def test_without_an_identity_the_thread_names_the_person(graph_api, page):
    graph_api.add(responses.POST, f"{BASE}/{PAGE_ID}/messages", json={"recipient_id": "7070", "message_id": "m_1"})
    send(account=page, message=message(Kind.MESSENGER, thread_key="messenger:7070"))
    assert form(graph_api.calls[0])["recipient"] == '{"id":"7070"}'


def test_the_messenger_window_refusal_is_a_rejection(graph_api, page, person):
    error = {"message": "(#10) This message is sent outside of allowed window.", "code": 10, "error_subcode": 2018278}
    graph_api.add(responses.POST, f"{BASE}/{PAGE_ID}/messages", status=400, json={"error": error})
    with pytest.raises(Rejected, match="within 24 hours"):
        send(account=page, message=message(Kind.MESSENGER, identity=person))


def test_an_answer_without_an_id_leaves_the_outcome_unknown(graph_api, page):
    graph_api.add(responses.POST, f"{BASE}/555_777/comments", json={"success": True})
    with pytest.raises(OutcomeUnknown):
        send(account=page, message=message(Kind.COMMENT, in_reply_to="555_777"))


def test_without_a_page_token_nothing_is_sent(graph_api, page):
    page.page_access_token = ""
    with pytest.raises(TokenInvalid, match="FACEBOOK_PAGE_ACCESS_TOKEN"):
        send(account=page, message=message(Kind.COMMENT, in_reply_to="555_777"))


def test_other_kinds_are_not_sent(graph_api, page):
    with pytest.raises(Rejected):
        send(account=page, message=message(Kind.REPLY))


def test_a_post_of_the_pages_own_goes_on_its_feed(graph_api, page):
    graph_api.add(responses.POST, f"{BASE}/{PAGE_ID}/feed", json={"id": f"{PAGE_ID}_4242"})
    assert send(account=page, message=message(Kind.POST, text="Mail is back.")) == [f"{PAGE_ID}_4242"]
    assert form(graph_api.calls[0])["message"] == "Mail is back."


def test_an_interrupted_page_post_is_found_among_the_pages_posts(graph_api, page):
    post = message(Kind.POST, text="Mail is back.")
    found = {"id": f"{PAGE_ID}_4242", "message": "Mail  is back.", "created_time": "2099-01-01T00:00:00+0000"}
    posts = {"data": [found]}
    graph_api.add(responses.GET, f"{BASE}/{PAGE_ID}/posts", json=posts)
    assert find_sent(account=page, message=post) == [f"{PAGE_ID}_4242"]


# After a timeout ---------------------------------------------------------------------------


def comment(comment_id: str, text: str, *, author: str = PAGE_ID, at: str = "2025-06-01T12:00:30+0000") -> dict:
    return {"id": comment_id, "message": text, "from": {"id": author, "name": "x"}, "created_time": at}


@time_machine.travel(NOW, tick=False)
def test_find_sent_finds_the_pages_comment_with_the_same_text(graph_api, page):
    reply = message(Kind.COMMENT, in_reply_to="555_777")
    data = [
        comment("555_903", "Thanks Jess, we are looking into it.", author="4242"),  # somebody quoting us
        comment("555_902", "Another answer"),
        comment("555_901", "Thanks Jess,  we are looking\ninto it."),
    ]
    graph_api.add(responses.GET, f"{BASE}/555_777/comments", json={"data": data})
    assert find_sent(account=page, message=reply) == ["555_901"]
    sent = parse_qs(graph_api.calls[0].request.url.split("?", 1)[1])
    assert sent["order"] == ["reverse_chronological"]
    assert sent["appsecret_proof"] == [appsecret_proof(access_token=PAGE_TOKEN, app_secret=page.app_secret)]


@time_machine.travel(NOW, tick=False)
def test_find_sent_follows_pages_and_stops_at_older_comments(graph_api, page):
    reply = message(Kind.COMMENT, in_reply_to="555_777")
    next_url = f"{BASE}/555_777/comments?after=QVF&limit=100"
    first = {"data": [comment("555_905", "Unrelated")], "paging": {"next": next_url}}
    older = comment("555_800", reply.text, at="2025-05-30T09:00:00+0000")  # the same words, days ago
    newest_first = matchers.query_param_matcher({"order": "reverse_chronological"}, strict_match=False)
    graph_api.add(responses.GET, f"{BASE}/555_777/comments", json=first, match=[newest_first])
    after_cursor = matchers.query_param_matcher({"after": "QVF"}, strict_match=False)
    graph_api.add(
        responses.GET,
        f"{BASE}/555_777/comments",
        json={"data": [older], "paging": {"next": f"{BASE}/555_777/comments?after=OLDER"}},
        match=[after_cursor],
    )
    assert find_sent(account=page, message=reply) == []
    assert len(graph_api.calls) == 2


def test_find_sent_cannot_look_up_messenger(graph_api, page, person):
    assert find_sent(account=page, message=message(Kind.MESSENGER, identity=person)) is None
    assert not graph_api.calls
