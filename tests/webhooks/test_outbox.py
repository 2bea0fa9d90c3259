"""The transactional outbox: every service records its webhook events in the transaction of
the change, so they commit together or not at all; batches cost what one change costs."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tickets import services
from tickets.models import Incident
from webhooks import services as webhook_services
from webhooks.models import DeliveryState, WebhookDelivery, WebhookEvent, WebhookEventType
from webhooks.outbox import record_events

from ..factories import ContactFactory, IncidentFactory, ProblemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything(manager):
    """A subscription to every event type, at an address nothing is sent to in these tests."""
    return webhook_services.webhook_subscription_create(
        target_url="https://hooks.example.com/desk", events=WebhookEventType.values, actor=manager
    )


def recorded() -> list[str]:
    return list(WebhookEvent.objects.order_by("created_at", "event_type").values_list("event_type", flat=True))


def test_a_change_and_its_event_commit_together_or_not_at_all(everything, contact):
    with pytest.raises(RuntimeError), transaction.atomic():
        IncidentFactory(reporter=contact)
        assert recorded() == ["incident.created"]
        raise RuntimeError("the caller's transaction fails after the change")
    assert not Incident.objects.exists()
    assert recorded() == []
    assert not WebhookDelivery.objects.exists()


def test_a_refused_change_records_nothing(everything, agent, contact):
    incident = IncidentFactory(reporter=contact)
    before = WebhookEvent.objects.count()
    with pytest.raises(Exception, match="cannot go from New to Closed"):
        services.incident_transition(incident=incident, to_status="closed", actor=agent)
    assert WebhookEvent.objects.count() == before


def test_delivery_is_enqueued_only_after_the_commit(everything, contact, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        IncidentFactory(reporter=contact)
        delivery = WebhookDelivery.objects.get()
        assert delivery.state == DeliveryState.PENDING
    # One for the webhooks (the others are other apps', the similar-incident index's).
    assert len([c for c in callbacks if "record_events" in c.__qualname__]) == 1


SERVICES = [
    ("incident_create", ["incident.created"]),
    ("incident_transition", ["incident.updated"]),
    ("incident_assign", ["incident.updated"]),
    ("incident_update", ["incident.updated"]),
    ("incident_change", ["incident.updated", "incident.updated"]),
    ("comment_create", ["comment.created"]),
    ("incident_reopen_by_reporter", ["comment.created", "incident.updated"]),
    ("problem_create", ["problem.updated"]),
    ("problem_update", ["problem.updated"]),
    ("problem_transition", ["problem.updated"]),
    ("problem_link_incidents", ["incident.updated", "problem.updated"]),
    ("problem_unlink_incident", ["incident.updated", "problem.updated"]),
    ("contact_merge", ["incident.updated"]),
    ("sla_flag_breaches", ["incident.updated", "incident.updated"]),  # response, then resolution
    ("incidents_close_resolved", ["incident.updated"]),
]


@pytest.mark.parametrize(("name", "events"), SERVICES, ids=[name for name, _ in SERVICES])
def test_every_service_reports_its_change(everything, agent, customer, contact, name, events):
    reporter = services.contact_for_user(user=customer)
    incident = IncidentFactory(reporter=reporter)
    problem = ProblemFactory()
    if name in ("problem_unlink_incident",):
        services.problem_link_incidents(problem=problem, incidents=[incident], actor=agent)
    if name in ("incident_reopen_by_reporter", "incidents_close_resolved"):
        incident = services.incident_transition(incident=incident, to_status="resolved", resolution="Done", actor=agent)
    WebhookEvent.objects.all().delete()
    calls = {
        "incident_create": lambda: IncidentFactory(reporter=contact),
        "incident_transition": lambda: services.incident_transition(
            incident=incident, to_status="in_progress", actor=agent
        ),
        "incident_assign": lambda: services.incident_assign(incident=incident, assignee=agent, actor=agent),
        "incident_update": lambda: services.incident_update(incident=incident, title="Renamed", actor=agent),
        "incident_change": lambda: services.incident_change(
            incident=incident, actor=agent, title="Renamed", status="in_progress"
        ),
        "comment_create": lambda: services.comment_create(
            incident=incident, body="Hi", visibility="public", author=agent
        ),
        "incident_reopen_by_reporter": lambda: services.incident_reopen_by_reporter(
            incident=incident, actor=customer, note="Still broken"
        ),
        "problem_create": lambda: ProblemFactory(),
        "problem_update": lambda: services.problem_update(problem=problem, title="Renamed", actor=agent),
        "problem_transition": lambda: services.problem_transition(
            problem=problem, to_status="investigating", actor=agent
        ),
        "problem_link_incidents": lambda: services.problem_link_incidents(
            problem=problem, incidents=[incident], actor=agent
        ),
        "problem_unlink_incident": lambda: services.problem_unlink_incident(incident=incident, actor=agent),
        "contact_merge": lambda: services.contact_merge(source=reporter, target=contact, actor=agent),
        "sla_flag_breaches": lambda: services.sla_flag_breaches(now=timezone.now() + timedelta(days=30)),
        "incidents_close_resolved": lambda: services.incidents_close_resolved(now=timezone.now() + timedelta(days=30)),
    }
    calls[name]()
    assert sorted(recorded()) == sorted(events)


def test_subscribers_get_only_the_event_types_they_chose(manager, agent, contact):
    comments_only = webhook_services.webhook_subscription_create(
        target_url="https://a.example.com/", events=["comment.created"], actor=manager
    )
    paused = webhook_services.webhook_subscription_create(
        target_url="https://b.example.com/", events=WebhookEventType.values, actor=manager, active=False
    )
    incident = IncidentFactory(reporter=contact)
    services.comment_create(incident=incident, body="Hello", visibility="public", author=agent)
    assert recorded() == ["comment.created"]
    assert list(WebhookDelivery.objects.values_list("subscription", flat=True)) == [comments_only.pk]
    assert not paused.deliveries.exists()


def test_without_a_subscriber_one_small_query_and_nothing_written(agent, contact):
    incident = IncidentFactory(reporter=contact)
    with CaptureQueriesContext(connection) as captured:
        record_events(event_type=WebhookEventType.INCIDENT_UPDATED, pks=[incident.pk])
    assert len(captured) == 1
    assert not WebhookEvent.objects.exists()


def test_a_batch_costs_the_queries_of_one(everything, contact):
    incidents = [IncidentFactory(reporter=contact) for _ in range(40)]
    WebhookEvent.objects.all().delete()

    def cost(pks) -> int:
        with CaptureQueriesContext(connection) as captured, transaction.atomic():
            record_events(event_type=WebhookEventType.INCIDENT_UPDATED, pks=pks)
        return len(captured)

    one, forty = cost([incidents[0].pk]), cost([i.pk for i in incidents])
    assert one == forty
    assert WebhookEvent.objects.count() == 41
    assert WebhookDelivery.objects.count() == 41


def test_the_payload_is_the_state_at_the_moment_of_the_change(everything, agent, contact):
    incident = IncidentFactory(reporter=contact)
    services.incident_transition(incident=incident, to_status="in_progress", actor=agent)
    services.incident_transition(incident=incident, to_status="on_hold", hold_reason="Vendor", actor=agent)
    statuses = [
        event.payload["incident"]["status"] for event in WebhookEvent.objects.order_by("created_at", "event_type")
    ]
    assert statuses == ["new", "in_progress", "on_hold"]


def test_a_contact_merge_reports_every_moved_incident_in_one_batch(everything, agent, contact):
    source = ContactFactory(name="Jess (duplicate)")
    moved = [IncidentFactory(reporter=source) for _ in range(5)]
    WebhookEvent.objects.all().delete()
    services.contact_merge(source=source, target=contact, actor=agent)
    numbers = sorted(e.payload["incident"]["number"] for e in WebhookEvent.objects.all())
    assert numbers == sorted(i.number for i in moved)
    assert {e.payload["incident"]["reporter"]["name"] for e in WebhookEvent.objects.all()} == {"Jess on X"}


def test_a_deletion_at_the_source_redacts_the_outbox_copies(everything, contact):
    incident = IncidentFactory(reporter=contact, title="my password is hunter2", description="hunter2 again")
    comment = services.comment_create(incident=incident, body="PIN 1234", visibility="public", author=contact)

    services.incident_redact_source(incident=incident)
    services.comment_redact_source(comment=comment)

    payloads = str(list(WebhookEvent.objects.values_list("payload", flat=True)))
    assert "hunter2" not in payloads and "1234" not in payloads
    assert services.REDACTED_TEXT in payloads
