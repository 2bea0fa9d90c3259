"""Answers by e-mail through Django's SMTP backend, to a real SMTP server (aiosmtpd): threaded,
from the desk's address, recorded with their delivery state, never sent twice; and the loop
rules (RFC 3834): automatic mail is never answered, the desk never mails itself."""

from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
from django.utils import timezone

from social.models import Direction, MessageState, SocialMessage
from social.outbox.reconcile import CANNOT_TELL
from social.outbox.send import message_send
from tickets import services as tickets
from tickets.models import Incident, Visibility

from .conftest import DESK, drain, mail, message, post

pytestmark = pytest.mark.django_db


def received(sink, index=-1):
    return BytesParser(policy=policy.default).parsebytes(sink.received[index]["data"])


def acknowledgement() -> SocialMessage:
    return SocialMessage.objects.get(direction=Direction.OUTBOUND, comment__isnull=True)


@pytest.fixture
def opened(desk, client) -> Incident:
    post(client, mail(message_id="<first@example.com>", references="<older@example.com>"))
    drain()
    return Incident.objects.get()


def test_the_acknowledgement_goes_out_threaded_from_the_desk(opened, smtp_sink):
    ack = acknowledgement()

    assert message_send(message_id=ack.pk) == MessageState.SENT

    [delivery] = smtp_sink.received
    assert delivery["to"] == ["jess@example.com"] and delivery["from"] == DESK
    sent = received(smtp_sink)
    assert sent["From"].addresses[0].addr_spec == DESK
    assert str(sent["Subject"]) == f"Re: VPN keeps dropping [{opened.number}]"
    assert sent["In-Reply-To"] == "<first@example.com>"
    assert sent["References"].split() == ["<older@example.com>", "<first@example.com>"]
    assert sent["Auto-Submitted"] == "auto-replied"  # an automatic answer says so (RFC 3834)
    assert opened.number in sent.get_content()
    ack.refresh_from_db()
    assert ack.state == MessageState.SENT and sent["Message-ID"] == f"<{ack.external_id}>"
    assert ack.external_id.startswith("desk.") and ack.external_id.endswith("@example.org")


def test_an_agents_reply_goes_out_as_a_person_and_the_answer_to_it_threads_back(opened, smtp_sink, agent, client):
    message_send(message_id=acknowledgement().pk)
    comment = tickets.comment_create(
        incident=opened, author=agent, body="Please try the new VPN profile.", visibility=Visibility.PUBLIC
    )
    outbound = SocialMessage.objects.get(comment=comment)

    assert message_send(message_id=outbound.pk) == MessageState.SENT

    sent = received(smtp_sink)
    assert sent["Auto-Submitted"] is None and sent.get_content().strip() == "Please try the new VPN profile."
    outbound.refresh_from_db()
    post(
        client,
        mail(
            message_id="<answer@example.com>",
            subject=str(sent["Subject"]).replace("Re:", "RE:"),
            in_reply_to=sent["Message-ID"],
            references=f"{sent['References']} {sent['Message-ID']}",
            text="That fixed it, thanks!\n\n-----Original Message-----\nFrom: Service desk\n\nPlease try...",
        ),
    )
    drain()
    answer = message("answer@example.com")
    assert answer.incident == opened and answer.comment.body == "That fixed it, thanks!"


def test_a_retry_after_the_server_took_the_mail_but_never_confirmed_it_sends_nothing_twice(opened, smtp_sink):
    smtp_sink.delay_data = 3  # the mail is received; "250" comes after the client's 2 s timeout
    ack = acknowledgement()

    assert message_send(message_id=ack.pk) == MessageState.SENDING  # may have gone out
    ack.refresh_from_db()
    assert "did not confirm" in ack.state_reason
    SocialMessage.objects.filter(pk=ack.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))

    assert message_send(message_id=ack.pk) == MessageState.FAILED  # the agent decides
    ack.refresh_from_db()
    assert ack.state_reason == CANNOT_TELL
    assert len(smtp_sink.received) == 1


def test_a_retry_after_a_failure_before_the_data_sends_it_once(opened, smtp_sink):
    smtp_sink.delay_rcpt = 3  # times out at RCPT TO: the mail was never handed over
    ack = acknowledgement()

    assert message_send(message_id=ack.pk) == MessageState.QUEUED
    assert smtp_sink.received == []
    smtp_sink.delay_rcpt = 0
    SocialMessage.objects.filter(pk=ack.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))

    assert message_send(message_id=ack.pk) == MessageState.SENT
    assert message_send(message_id=ack.pk) == MessageState.SENT
    assert len(smtp_sink.received) == 1


def test_a_server_that_cannot_be_reached_sends_nothing_and_retries(opened, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens

    assert message_send(message_id=acknowledgement().pk) == MessageState.QUEUED
    assert "could not be reached" in acknowledgement().state_reason


def test_an_address_the_server_refuses_fails_with_its_words(opened, smtp_sink):
    smtp_sink.refuse_rcpt = "550 5.1.1 No such user here"

    assert message_send(message_id=acknowledgement().pk) == MessageState.FAILED
    assert "550" in acknowledgement().state_reason and "No such user" in acknowledgement().state_reason


def test_the_answer_goes_to_the_reply_to_address(desk, client, smtp_sink):
    post(client, mail(message_id="<rt@example.com>", headers={"Reply-To": "Jess (home) <jess@home.example>"}))
    drain()

    message_send(message_id=acknowledgement().pk)

    assert smtp_sink.received[0]["to"] == ["jess@home.example"]


# --- loops and noise ------------------------------------------------------------------------------


def test_the_desk_never_mails_its_own_address(desk, client, smtp_sink):
    post(client, mail(message_id="<loop@example.com>", headers={"Reply-To": DESK}))
    drain()
    ack = acknowledgement()

    assert message_send(message_id=ack.pk) == MessageState.FAILED
    ack.refresh_from_db()
    assert ack.state_reason == "The desk does not send mail to its own address."
    assert smtp_sink.received == []


def test_the_desk_never_mails_another_of_its_addresses(desk, client, smtp_sink):
    from ..factories import SocialAccountFactory

    SocialAccountFactory(channel="email", external_id="hr-help@example.org")
    post(client, mail(message_id="<loop2@example.com>", sender="HR <hr-help@example.org>"))
    drain()

    assert message_send(message_id=acknowledgement().pk) == MessageState.FAILED
    assert smtp_sink.received == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Auto-Submitted": "auto-generated"},
        {"X-Autoreply": "yes"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
        {"List-Id": "<it-news.example.com>"},
        {"X-Failed-Recipients": "someone@example.com"},
        {"Return-Path": "<>"},
    ],
    ids=lambda headers: next(iter(headers.items()))[0] + "=" + next(iter(headers.values())),
)
def test_automatic_mail_opens_nothing_and_is_never_answered(desk, client, headers):
    post(client, mail(message_id="<auto@example.com>", headers=headers))
    drain()

    assert not Incident.objects.exists()
    assert not SocialMessage.objects.filter(direction=Direction.OUTBOUND).exists()
    assert SocialMessage.objects.get().state == MessageState.IGNORED


def test_an_auto_reply_to_the_desks_answer_joins_nothing(opened, client):
    ack = acknowledgement()
    SocialMessage.objects.filter(pk=ack.pk).update(state=MessageState.SENT, external_id="desk.aa@example.org")
    post(
        client,
        mail(
            message_id="<ooo@example.com>",
            subject="Automatic reply: VPN keeps dropping",
            in_reply_to="<desk.aa@example.org>",
            headers={"X-Auto-Response-Suppress": "All"},
            text="I am out of the office until Monday.",
        ),
    )
    drain()

    assert not opened.comments.exists()
    assert SocialMessage.objects.filter(direction=Direction.OUTBOUND).count() == 1


def test_a_mail_with_auto_submitted_no_is_a_persons(desk, client):
    post(client, mail(message_id="<human@example.com>", headers={"Auto-Submitted": "no"}))
    drain()

    assert Incident.objects.count() == 1
