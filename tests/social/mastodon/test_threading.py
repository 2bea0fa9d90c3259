"""Mastodon's threading rules, end to end: notifications polled (the instance mocked at
HTTP), processed by the real pipeline into incidents and comments. One test per rule."""

import pytest

from social.mastodon.poll import poll
from social.models import Direction, MessageState, SocialMessage
from tickets.models import Incident

from .conftest import API, drain, message, notification

pytestmark = pytest.mark.django_db
NOTIFICATIONS = f"{API}/notifications"
ACK_ID = "117020599999999999"


def poll_once(desk, instance, *notifications):
    instance.get(NOTIFICATIONS, json=list(notifications))
    poll(account=desk)
    instance.remove("GET", NOTIFICATIONS)
    drain()


def status_by(recorded, *, status_id, text, in_reply_to=None, visibility="public", acct="jess@social.example"):
    [template] = recorded("test_notifications_mentions_only", 1)
    status = template["status"]
    status.update(
        id=status_id,
        in_reply_to_id=in_reply_to,
        visibility=visibility,
        content=f"<p>{text}</p>",
        url=f"https://social.example/@jess/{status_id}",
    )
    status["account"].update(acct=acct, username=acct.split("@")[0], display_name="Jess Moreau")
    return status


@pytest.fixture
def incident(desk, instance, recorded) -> Incident:
    """Jess's mention, processed: an incident, and its acknowledgement recorded as sent."""
    first = status_by(recorded, status_id="117020580000000001", text="@desk the VPN drops every 5 minutes")
    poll_once(desk, instance, notification(first, notification_id="40"))
    ack = SocialMessage.objects.get(direction=Direction.OUTBOUND)
    SocialMessage.objects.filter(pk=ack.pk).update(state=MessageState.SENT, external_id=ACK_ID)
    return Incident.objects.get()


def test_a_mention_opens_an_incident_with_its_text(incident):
    opened = message("117020580000000001")
    assert (opened.state, opened.incident, opened.kind) == (MessageState.NEW_INCIDENT, incident, "mention")
    assert incident.channel == "mastodon" and incident.title == "the VPN drops every 5 minutes"
    assert opened.identity.handle == "@jess@social.example"


def test_a_reply_to_the_desks_answer_joins_its_incident_by_in_reply_to_id(desk, instance, recorded, incident):
    reply = status_by(recorded, status_id="117020580000000002", text="still down", in_reply_to=ACK_ID)

    poll_once(desk, instance, notification(reply, notification_id="41"))

    joined = message("117020580000000002")
    assert (joined.state, joined.incident) == (MessageState.JOINED, incident)
    assert joined.comment.body == "still down"
    assert Incident.objects.count() == 1


def test_a_reply_to_their_own_status_joins_its_incident_by_in_reply_to_id(desk, instance, recorded, incident):
    reply = status_by(
        recorded, status_id="117020580000000003", text="error 0x80070005", in_reply_to="117020580000000001"
    )

    poll_once(desk, instance, notification(reply, notification_id="42"))

    assert message("117020580000000003").incident == incident and Incident.objects.count() == 1


def test_a_new_mention_by_the_same_person_opens_another_incident(desk, instance, recorded, incident):
    other = status_by(recorded, status_id="117020580000000004", text="@desk and the printer is jammed")

    poll_once(desk, instance, notification(other, notification_id="43"))

    assert message("117020580000000004").state == MessageState.NEW_INCIDENT
    assert Incident.objects.count() == 2


def test_a_direct_status_joins_the_incident_of_its_conversation(desk, instance, recorded):
    first = status_by(
        recorded, status_id="117020580000000010", text="@desk my badge stopped working", visibility="direct"
    )
    poll_once(desk, instance, notification(first, notification_id="50"))
    # A second direct status, answering nothing: the same people, the same conversation.
    second = status_by(recorded, status_id="117020580000000011", text="@desk it is badge 4471", visibility="direct")
    poll_once(desk, instance, notification(second, notification_id="51"))

    opened, joined = message("117020580000000010"), message("117020580000000011")
    assert (opened.kind, joined.kind) == ("dm", "dm")
    assert joined.state == MessageState.JOINED and joined.incident == opened.incident
    assert Incident.objects.count() == 1


def test_an_edit_at_the_source_is_followed(desk, instance, recorded, incident):
    edited = status_by(recorded, status_id="117020580000000001", text="@desk the VPN drops every 2 minutes")
    edited["edited_at"] = "2026-08-01T14:00:00.000Z"

    poll_once(desk, instance, notification(edited, notification_id="44", kind="update"))

    assert message("117020580000000001").text.endswith("every 2 minutes")
    incident.refresh_from_db()
    assert "every 2 minutes" in incident.description


def test_the_desks_own_status_is_recorded_and_opens_nothing(desk, instance, recorded):
    own = status_by(recorded, status_id="117020580000000020", text="maintenance tonight", acct="mastodonpy_test")

    poll_once(desk, instance, notification(own, notification_id="60"))

    assert message("117020580000000020").state == MessageState.RECORDED
    assert not Incident.objects.exists()
