"""Who is told what, once, by e-mail (notifications.services), through the real mail backend
(locmem in tests) and the tasks run in-process."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings

from notifications.models import Notification, NotificationKind, NotificationState
from notifications.services import (
    notification_preferences,
    notification_preferences_set,
    notification_send,
    notifications_for_comments,
    notifications_for_incident_changes,
    notifications_sweep,
)
from tickets import services

from ..factories import AgentFactory, ContactFactory, IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the block leaves for after the commit (the sending), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def portal_incident(customer, agent):
    reporter = services.contact_for_user(user=customer)
    return IncidentFactory(reporter=reporter, title="Printer on 2 jams", assignee=agent)


def sent_to(address: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if address in message.to]


def test_an_agents_public_reply_mails_the_portal_reporter_with_a_link(committed, portal_incident, agent, customer):
    with committed():
        services.comment_create(incident=portal_incident, body="Try the other tray.", visibility="public", author=agent)

    [message] = sent_to(customer.email)
    assert message.subject == f"{portal_incident.number}: a reply from the service desk"
    assert "Try the other tray." in message.body
    assert f"/portal/incidents/{portal_incident.number}/" in message.body
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert Notification.objects.get().state == NotificationState.SENT


def test_an_internal_note_mails_nobody(committed, portal_incident, agent, customer):
    with committed():
        services.comment_create(incident=portal_incident, body="Toner is low", visibility="internal", author=agent)
    assert mail.outbox == []


def test_a_resolution_mails_the_reporter_with_the_resolution(committed, portal_incident, agent, customer):
    with committed():
        services.incident_transition(incident=portal_incident, to_status="in_progress", actor=agent)
    with committed():
        services.incident_transition(
            incident=portal_incident, to_status="resolved", actor=agent, resolution="Replaced the fuser."
        )

    [message] = sent_to(customer.email)
    assert message.subject == f"{portal_incident.number} is resolved"
    assert "Replaced the fuser." in message.body


def test_an_assignment_mails_the_new_assignee_but_not_who_took_it_themselves(committed, portal_incident, agent):
    other = AgentFactory(username="kim", email="kim@example.com")
    with committed():
        services.incident_assign(incident=portal_incident, assignee=other, actor=agent)
    [message] = sent_to("kim@example.com")
    assert message.subject.startswith(f"{portal_incident.number} is assigned to you")
    assert f"/incidents/{portal_incident.number}/" in message.body

    with committed():
        services.incident_assign(incident=portal_incident, assignee=agent, actor=agent)
    assert sent_to(agent.email) == []


def test_the_reporters_answer_mails_the_assignee(committed, portal_incident, agent, customer):
    with committed():
        services.incident_reply_from_reporter(incident=portal_incident, author=customer, body="Still jammed")
    [message] = sent_to(agent.email)
    assert "Still jammed" in message.body
    assert sent_to(customer.email) == []  # not told of their own words


def test_a_social_reporters_answer_mails_the_assignee_too(committed, agent):
    contact = ContactFactory(name="Jess on X")
    incident = IncidentFactory(reporter=contact, assignee=agent, channel="twitter")
    with committed():
        services.comment_create(incident=incident, body="any news?", visibility="public", author=contact)
    assert len(sent_to(agent.email)) == 1


def test_a_kind_turned_off_is_not_sent(committed, portal_incident, agent, customer):
    assert notification_preferences(user=customer) == {"public_reply": True, "resolved": True, "survey": True}
    notification_preferences_set(user=customer, wanted={"public_reply": False})
    with committed():
        services.comment_create(incident=portal_incident, body="Hello", visibility="public", author=agent)
    assert mail.outbox == []
    assert notification_preferences(user=customer) == {"public_reply": False, "resolved": True, "survey": True}


def test_a_kind_of_another_role_is_refused(customer):
    with pytest.raises(ValueError, match="assigned"):
        notification_preferences_set(user=customer, wanted={"assigned": True})


def test_a_change_seen_twice_is_recorded_and_sent_once(committed, portal_incident, agent, customer):
    with committed():
        comment = services.comment_create(incident=portal_incident, body="Hi", visibility="public", author=agent)
    assert notifications_for_comments(comment_pks=[comment.pk]) == []  # already recorded
    with committed():
        services.incident_assign(incident=portal_incident, assignee=AgentFactory(), actor=agent)
    assert notifications_for_incident_changes(incident_pks=[portal_incident.pk]) == []
    notification = Notification.objects.get(kind=NotificationKind.PUBLIC_REPLY)
    assert notification_send(notification_id=notification.pk) == "not pending or held"
    assert len(sent_to(customer.email)) == 1


def test_a_user_without_an_address_gets_nothing_and_nothing_fails(committed, portal_incident, agent, customer):
    customer.email = ""
    customer.save()
    with committed():
        services.comment_create(incident=portal_incident, body="Hi", visibility="public", author=agent)
    assert Notification.objects.count() == 0


@override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_PORT=9, EMAIL_TIMEOUT=1)
def test_a_mail_server_that_refuses_leaves_it_pending_then_the_sweep_sends_it(
    committed, portal_incident, agent, customer
):
    with committed():
        services.comment_create(incident=portal_incident, body="Hi", visibility="public", author=agent)
    notification = Notification.objects.get()
    assert notification.state == NotificationState.PENDING
    assert notification.attempts == 1 and notification.last_error

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        Notification.objects.filter(pk=notification.pk).update(leased_until=None)
        assert notifications_sweep(older_than=timedelta(0)) == 1
    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert len(sent_to(customer.email)) == 1
