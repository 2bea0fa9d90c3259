"""The writes of spike alerts: who may do what, in which state, and what each one leaves."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from intelligence.signals import alert_raised
from intelligence.spikes import services
from intelligence.spikes.models import AlertState, Metric, Scope
from tests.factories import CustomerFactory, ManagerFactory, ServiceFactory, UserFactory
from tickets.models import Impact, IncidentStatus, Urgency

from .factories import raise_alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def vpn():
    return ServiceFactory(name="VPN")


def test_it_raises_an_alert_and_announces_it_once_committed(vpn, django_capture_on_commit_callbacks, settings):
    settings.SPIKE_ALERT_EMAIL = False
    heard = []

    def receiver(sender, alert, **kwargs):
        heard.append(alert)

    alert_raised.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            alert = raise_alert(service=vpn)
        assert heard == []  # not before the commit
        for callback in callbacks:
            callback()
    finally:
        alert_raised.disconnect(receiver)
    assert heard == [alert]
    assert (alert.scope, alert.state, alert.headline) == (
        Scope.SERVICE,
        AlertState.RAISED,
        "Spike in messages about VPN",
    )


def test_an_alert_must_end_after_it_starts():
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.alert_raise(
            service=None,
            metric=Metric.VOLUME,
            window_start=now,
            window_end=now - timedelta(minutes=5),
            score=6,
            observed=40,
            expected=4,
        )
    with pytest.raises(ValidationError):
        services.alert_raise(
            service=None, metric="mood", window_start=now, window_end=now, score=6, observed=40, expected=4
        )


def test_managers_are_emailed_when_the_setting_is_on(django_capture_on_commit_callbacks, settings):
    settings.SPIKE_ALERT_EMAIL = True
    ManagerFactory(username="morgan", email="morgan@example.com")
    ManagerFactory(username="nomail", email="")
    UserFactory(username="somebody", email="somebody@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        alert = raise_alert(metric=Metric.NEGATIVE_SHARE, observed=30, scored=40, expected=8)
    [email] = mail.outbox
    assert email.to == ["morgan@example.com"]
    assert email.subject == "[Service desk] Spike in negative messages"
    assert "30 negative messages of 40 (75%)" in email.body
    assert f"/spikes/{alert.pk}/" in email.body


def test_no_email_when_the_setting_is_off(django_capture_on_commit_callbacks, settings):
    settings.SPIKE_ALERT_EMAIL = False
    ManagerFactory(username="morgan", email="morgan@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        raise_alert()
    assert mail.outbox == []


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_agents_and_managers_acknowledge_then_resolve(role, agent, manager):
    actor = {"agent": agent, "manager": manager}[role]
    alert = services.alert_acknowledge(alert=raise_alert(), actor=actor)
    assert (alert.state, alert.acknowledged_by) == (AlertState.ACKNOWLEDGED, actor)
    with pytest.raises(ValidationError, match="already acknowledged"):
        services.alert_acknowledge(alert=alert, actor=actor)
    alert = services.alert_resolve(alert=alert, actor=actor)
    assert (alert.state, alert.resolved_by) == (AlertState.RESOLVED, actor)
    assert alert.resolved_at >= alert.acknowledged_at
    with pytest.raises(ValidationError, match="already resolved"):
        services.alert_resolve(alert=alert, actor=actor)


def test_resolving_a_raised_alert_acknowledges_it_too(agent):
    alert = services.alert_resolve(alert=raise_alert(), actor=agent)
    assert (alert.state, alert.acknowledged_by, alert.resolved_by) == (AlertState.RESOLVED, agent, agent)


@pytest.mark.parametrize("who", ["customer", "outsider"])
def test_customers_and_outsiders_may_not_act(who, outsider):
    actor = CustomerFactory(username="carla") if who == "customer" else outsider
    alert = raise_alert()
    for action in (
        services.alert_acknowledge,
        services.alert_resolve,
        services.alert_open_major_incident,
        services.alert_open_problem,
    ):
        with pytest.raises(PermissionDenied):
            action(alert=alert, actor=actor)
    alert.refresh_from_db()
    assert (alert.state, alert.incident_id, alert.problem_id) == (AlertState.RAISED, None, None)


def test_a_major_incident_is_opened_once_with_high_impact_and_urgency(agent, vpn):
    alert = raise_alert(service=vpn)
    incident = services.alert_open_major_incident(alert=alert, actor=agent)
    assert incident.major and (incident.impact, incident.urgency) == (Impact.HIGH, Urgency.HIGH)
    assert incident.service == vpn and incident.status == IncidentStatus.NEW
    assert incident.title == "Spike in messages about VPN"
    assert "60 messages where about 4.0 were expected" in incident.description
    assert incident.reporter.user == agent
    alert.refresh_from_db()
    assert (alert.incident, alert.state, alert.acknowledged_by) == (incident, AlertState.ACKNOWLEDGED, agent)
    with pytest.raises(ValidationError, match="already open"):
        services.alert_open_major_incident(alert=alert, actor=agent)


def test_no_major_incident_for_a_resolved_alert(agent):
    alert = services.alert_resolve(alert=raise_alert(), actor=agent)
    with pytest.raises(ValidationError, match="resolved"):
        services.alert_open_major_incident(alert=alert, actor=agent)


def test_a_problem_is_opened_once_and_takes_the_major_incident_along(agent, vpn):
    alert = raise_alert(service=vpn)
    incident = services.alert_open_major_incident(alert=alert, actor=agent)
    problem = services.alert_open_problem(alert=alert, actor=agent)
    assert (problem.title, problem.service) == ("Spike in messages about VPN", vpn)
    assert list(problem.incidents.all()) == [incident]
    alert.refresh_from_db()
    assert alert.problem == problem
    with pytest.raises(ValidationError, match="already open"):
        services.alert_open_problem(alert=alert, actor=agent)
