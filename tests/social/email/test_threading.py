"""E-mail's threading rules, end to end: raw mails posted to the webhook, processed by the
real pipeline into incidents and comments. One test per rule."""

import pytest

from social.models import Direction, MessageState, SocialMessage
from tickets.models import Comment, Incident

from .conftest import DESK, drain, mail, message, post

pytestmark = pytest.mark.django_db
ACK = "desk.0123456789abcdef0123456789abcdef@example.org"


@pytest.fixture
def incident(desk, client) -> Incident:
    """Jess's mail, processed: an incident, and its acknowledgement recorded as sent."""
    post(client, mail(message_id="<first@example.com>"))
    drain()
    ack = SocialMessage.objects.get(direction=Direction.OUTBOUND)
    SocialMessage.objects.filter(pk=ack.pk).update(state=MessageState.SENT, external_id=ACK)
    return Incident.objects.get()


def reply(client, **fields) -> None:
    fields.setdefault("subject", "Re: VPN keeps dropping")
    fields.setdefault("text", "Still down after a restart.\n\nOn Mon, Service desk wrote:\n> Thanks, we are on it.\n")
    post(client, mail(**fields))
    drain()


def test_a_reply_to_the_desks_answer_joins_by_in_reply_to(client, incident):
    reply(client, message_id="<r1@example.com>", in_reply_to=f"<{ACK}>", references=f"<first@example.com> <{ACK}>")

    joined = message("r1@example.com")
    assert (joined.state, joined.incident) == (MessageState.JOINED, incident)
    assert joined.comment.body == "Still down after a restart."  # the quote trimmed
    assert "> Thanks, we are on it." in joined.raw["body"]  # the whole mail kept
    assert Incident.objects.count() == 1


def test_a_reply_to_the_persons_own_earlier_mail_joins_by_in_reply_to(client, incident):
    reply(client, message_id="<r2@example.com>", in_reply_to="<first@example.com>", subject="one more thing")

    assert message("r2@example.com").incident == incident


def test_a_reply_whose_in_reply_to_is_unknown_joins_by_references(client, incident):
    # Answering a colleague's copy the desk never saw: In-Reply-To names that copy, References
    # still carry the desk's answer.
    reply(
        client,
        message_id="<r3@example.com>",
        in_reply_to="<colleague-copy@example.com>",
        references=f"<first@example.com> <{ACK}> <colleague-copy@example.com>",
    )

    joined = message("r3@example.com")
    assert (joined.state, joined.incident) == (MessageState.JOINED, incident)


def test_the_nearest_known_reference_wins(client, incident, desk):
    other = Incident.objects.exclude(pk=incident.pk)
    post(client, mail(message_id="<second@example.com>", subject="Printer jammed"))
    drain()
    printer = other.get()

    reply(client, message_id="<r4@example.com>", references="<first@example.com> <second@example.com> <unknown@x>")

    assert message("r4@example.com").incident == printer


def test_a_reply_naming_only_the_conversations_root_joins_by_references(client, incident):
    # Some clients keep only the first of the References (RFC 5322 allows trimming the middle).
    reply(client, message_id="<r5@example.com>", references="<first@example.com>")

    assert message("r5@example.com").incident == incident


def test_a_mail_of_the_same_conversation_joins_by_its_thread_when_no_id_is_known(desk, client):
    # Jess wrote to the desk in the middle of a conversation the desk never saw (its root
    # <root@example.com>); a colleague's later mail in it names only mails the desk never got.
    post(client, mail(message_id="<jess-in-thread@example.com>", references="<root@example.com> <a@example.com>"))
    drain()
    incident = Incident.objects.get()

    reply(
        client,
        message_id="<colleague@example.com>",
        sender="Kim Osei <kim@example.com>",
        references="<root@example.com> <b@example.com>",
        in_reply_to="<b@example.com>",
    )

    assert message("colleague@example.com").incident == incident


def test_the_incident_number_in_the_subject_joins_when_nothing_else_threads(client, incident):
    reply(client, message_id="<r6@example.com>", subject=f"Re: [{incident.number}] still broken", text="any news?")

    joined = message("r6@example.com")
    assert (joined.state, joined.incident) == (MessageState.JOINED, incident)
    assert Comment.objects.get(incident=incident).body == "any news?"


def test_the_incident_number_of_somebody_elses_incident_opens_a_new_one(client, incident):
    reply(
        client,
        message_id="<r7@example.com>",
        sender="Mallory <mallory@example.net>",
        subject=f"Re: [{incident.number}] close this please",
        text="close it",
    )

    opened = message("r7@example.com")
    assert opened.state == MessageState.NEW_INCIDENT and opened.incident != incident
    assert not Comment.objects.filter(incident=incident).exists()


def test_a_mail_with_no_thread_and_no_number_opens_a_new_incident(client, incident):
    reply(client, message_id="<r8@example.com>", subject="Re: something else", text="another problem")

    assert message("r8@example.com").state == MessageState.NEW_INCIDENT
    assert Incident.objects.count() == 2


def test_the_incident_gets_the_subject_as_its_title_without_reply_prefixes(desk, client):
    post(client, mail(message_id="<t@example.com>", subject="RE: Fwd: AW: Outlook asks for my password"))
    drain()

    assert Incident.objects.get().title == "Outlook asks for my password"


def test_a_mail_from_the_desks_own_address_opens_nothing(desk, client):
    post(client, mail(message_id="<self@example.org>", sender=f"Service desk <{DESK}>"))
    drain()

    recorded = message("self@example.org")
    assert recorded.state == MessageState.RECORDED and not Incident.objects.exists()
    assert not SocialMessage.objects.filter(direction=Direction.OUTBOUND).exists()


def test_the_desks_own_message_coming_back_opens_nothing(desk, client):
    post(client, mail(message_id="<desk.00112233445566778899aabbccddeeff@example.org>", sender="x@example.com"))
    drain()

    assert not Incident.objects.exists()
    ignored = SocialMessage.objects.get()
    assert ignored.state == MessageState.IGNORED and ignored.state_reason == "The desk's own message came back."
