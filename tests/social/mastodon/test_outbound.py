"""Answers on Mastodon: a reply status in the person's visibility, with an Idempotency-Key,
never posted twice. The instance is mocked at HTTP; Mastodon.py and the outbox are real."""

from urllib.parse import parse_qs

import pytest
import requests
from django.utils import timezone

from social.mastodon.outbound import counted_length, idempotency_key
from social.models import Direction, MessageState, SocialMessage
from social.outbox import send as outbox_send
from tickets import services as tickets

from .conftest import API, notification
from .test_threading import poll_once, status_by

pytestmark = pytest.mark.django_db
STATUSES = f"{API}/statuses"
DESK_ACCOUNT_ID = "117020565693913441"


def opened(desk, instance, recorded, *, visibility="public", status_id="117020580000000001"):
    status = status_by(recorded, status_id=status_id, text="@desk the VPN drops", visibility=visibility)
    poll_once(desk, instance, notification(status, notification_id="40"))
    return SocialMessage.objects.get(direction=Direction.OUTBOUND)


def send(message: SocialMessage) -> SocialMessage:
    outbox_send.message_send(message_id=message.pk)
    message.refresh_from_db()
    return message


def posted(call) -> dict[str, list[str]]:
    return parse_qs(call.request.body if isinstance(call.request.body, str) else call.request.body.decode())


def answer(recorded, status_id: str, **fields) -> dict:
    reply = recorded("test_status_reply", 2)
    reply.update(id=status_id, **fields)
    return reply


def test_the_acknowledgement_is_a_reply_in_the_persons_visibility_with_an_idempotency_key(desk, instance, recorded):
    post = instance.post(STATUSES, json=answer(recorded, "117020590000000001"))
    ack = opened(desk, instance, recorded, visibility="unlisted")

    ack = send(ack)

    assert (ack.state, ack.external_id) == (MessageState.SENT, "117020590000000001")
    sent = posted(post.calls[0])
    assert sent["in_reply_to_id"] == ["117020580000000001"] and sent["visibility"] == ["unlisted"]
    assert sent["status"][0].startswith("@jess@social.example Thanks Jess Moreau")
    headers = post.calls[0].request.headers
    assert headers["Idempotency-Key"] == idempotency_key(desk, ack) and headers["Authorization"] == "Bearer desk-token"


def test_a_direct_status_is_answered_directly(desk, instance, recorded):
    post = instance.post(STATUSES, json=answer(recorded, "117020590000000002", visibility="direct"))
    ack = opened(desk, instance, recorded, visibility="direct")

    assert send(ack).state == MessageState.SENT
    assert posted(post.calls[0])["visibility"] == ["direct"] and ack.kind == "dm"


def test_an_agents_public_reply_answers_the_latest_status(desk, instance, recorded, agent):
    instance.post(STATUSES, json=answer(recorded, "117020590000000003"))
    send(opened(desk, instance, recorded))
    incident = SocialMessage.objects.get(external_id="117020580000000001").incident
    post = instance.post(STATUSES, json=answer(recorded, "117020590000000004"))

    comment = tickets.comment_create(
        incident=incident, body="Please restart the client.", visibility="public", author=agent
    )
    reply = send(SocialMessage.objects.get(comment=comment))

    assert (reply.state, reply.external_id) == (MessageState.SENT, "117020590000000004")
    assert posted(post.calls[-1])["status"] == ["@jess@social.example Please restart the client."]


def test_a_retry_after_a_timeout_finds_the_status_and_posts_nothing_twice(desk, instance, recorded):
    ack = opened(desk, instance, recorded)
    post = instance.post(STATUSES, body=requests.ReadTimeout("no answer"))

    assert send(ack).state == MessageState.SENDING  # it may be on the instance

    # It was: the next attempt finds it among the desk's statuses and posts nothing.
    instance.get(f"{API}/accounts/verify_credentials", json=recorded("test_status_reply", 1))
    mine = answer(recorded, "117020590000000005", in_reply_to_id="117020580000000001", content=f"<p>{ack.text}</p>")
    instance.get(f"{API}/accounts/{DESK_ACCOUNT_ID}/statuses", json=[mine])
    SocialMessage.objects.filter(pk=ack.pk).update(next_attempt_at=timezone.now(), leased_until=None)

    ack = send(ack)

    assert (ack.state, ack.external_id) == (MessageState.SENT, "117020590000000005")
    assert len(post.calls) == 1


def test_a_retry_that_finds_nothing_posts_again_with_the_same_idempotency_key(desk, instance, recorded):
    ack = opened(desk, instance, recorded)
    post = instance.post(STATUSES, body=requests.ReadTimeout("no answer"))
    send(ack)
    instance.get(f"{API}/accounts/verify_credentials", json=recorded("test_status_reply", 1))
    instance.get(f"{API}/accounts/{DESK_ACCOUNT_ID}/statuses", json=[])
    instance.remove("POST", STATUSES)
    again = instance.post(STATUSES, json=answer(recorded, "117020590000000006"))
    SocialMessage.objects.filter(pk=ack.pk).update(next_attempt_at=timezone.now(), leased_until=None)

    ack = send(ack)

    assert ack.state == MessageState.SENT and ack.external_id == "117020590000000006"
    keys = {call.request.headers["Idempotency-Key"] for call in [*post.calls, *again.calls]}
    assert len(keys) == 1  # the instance returns the first status should the first attempt have landed


def test_a_refused_status_fails_with_the_instances_words(desk, instance, recorded):
    instance.post(STATUSES, status=422, json=recorded("test_status_empty"))
    ack = send(opened(desk, instance, recorded))

    assert ack.state == MessageState.FAILED and "422" in ack.state_reason


def test_an_instance_that_cannot_be_reached_is_retried_later(desk, instance, recorded):
    instance.post(STATUSES, body=requests.ConnectionError("refused"))
    ack = send(opened(desk, instance, recorded))

    assert ack.state == MessageState.QUEUED and ack.next_attempt_at > timezone.now()


def test_an_answer_too_long_for_a_status_is_refused_before_posting(desk, instance, recorded, agent):
    ack = opened(desk, instance, recorded)
    SocialMessage.objects.filter(pk=ack.pk).update(text="word " * 120)
    ack = send(ack)

    assert ack.state == MessageState.FAILED and "500 characters" in ack.state_reason
    assert not [call for call in instance.calls if call.request.method == "POST"]


def test_links_and_addresses_count_as_mastodon_counts_them():
    assert counted_length("@jess@social.example see https://example.org/" + "a" * 100) == len("@jess see ") + 23
