"""Delivering webhooks: signed JSON POSTs, retries with exponential backoff, a log of every
attempt, giving up, disabling a receiver that keeps failing, and no private targets."""

import hashlib
import hmac
import json
import socket
from datetime import timedelta

import pytest
import responses
import time_machine
from django.utils import timezone

from webhooks import services as webhook_services
from webhooks import transport
from webhooks.models import DeliveryState, WebhookDelivery, WebhookEvent, WebhookSubscription
from webhooks.tasks import sweep_webhook_deliveries

from ..factories import IncidentFactory
from .conftest import SECRET

pytestmark = pytest.mark.django_db


def expected_signature(secret: str, body: bytes) -> str:
    """What a receiver computes, written out independently of the code under test."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def raise_incident(contact, capture):
    with capture(execute=True):
        return IncidentFactory(reporter=contact, title="Printer on fire")


def test_an_event_arrives_as_signed_json(subscription, receiver, contact, django_capture_on_commit_callbacks):
    incident = raise_incident(contact, django_capture_on_commit_callbacks)
    [request] = receiver.requests
    assert request.path == "/hooks/desk"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-ServiceDesk-Signature"] == expected_signature(SECRET, request.body)
    event = WebhookEvent.objects.get()
    assert request.headers["X-ServiceDesk-Event"] == "incident.created"
    assert request.headers["X-ServiceDesk-Event-Id"] == str(event.id)
    body = request.json
    assert set(body) == {"id", "type", "created_at", "data"}
    assert (body["id"], body["type"]) == (str(event.id), "incident.created")
    assert body["data"]["incident"]["number"] == incident.number
    assert body["data"]["incident"]["title"] == "Printer on fire"

    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == (DeliveryState.DELIVERED, 1, 200)
    [attempt] = delivery.attempt_log.all()
    assert (attempt.status_code, attempt.error, attempt.response_excerpt) == (200, "", "thanks")


def test_a_signature_made_with_another_secret_does_not_match(
    subscription, receiver, contact, django_capture_on_commit_callbacks
):
    raise_incident(contact, django_capture_on_commit_callbacks)
    [request] = receiver.requests
    assert request.headers["X-ServiceDesk-Signature"] != expected_signature("another secret", request.body)
    tampered = request.body.replace(b"Printer on fire", b"Printer is fine")
    assert request.headers["X-ServiceDesk-Signature"] != expected_signature(SECRET, tampered)


@responses.activate
def test_an_external_receiver_gets_the_same_signed_post(manager, contact, django_capture_on_commit_callbacks):
    """External HTTP is mocked at the boundary; the bytes sent are the ones signed."""
    responses.post("https://hooks.example.com/desk", status=204)
    webhook_services.webhook_subscription_create(
        target_url="https://hooks.example.com/desk", events=["incident.created"], secret=SECRET, actor=manager
    )
    raise_incident(contact, django_capture_on_commit_callbacks)
    [call] = responses.calls
    assert call.request.headers["X-ServiceDesk-Signature"] == expected_signature(SECRET, call.request.body)
    assert json.loads(call.request.body)["type"] == "incident.created"
    assert WebhookDelivery.objects.get().state == DeliveryState.DELIVERED


def test_a_failure_is_retried_with_exponential_backoff(
    subscription, receiver, contact, django_capture_on_commit_callbacks
):
    receiver.statuses = [500, 503]
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        raise_incident(contact, django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get()
        assert (delivery.state, delivery.attempts, delivery.last_status_code) == (DeliveryState.PENDING, 1, 500)
        assert delivery.next_attempt_at == start + timedelta(seconds=60)

        clock.shift(timedelta(seconds=59))
        assert sweep_webhook_deliveries() == 0  # not due yet
        clock.shift(timedelta(seconds=1))
        assert sweep_webhook_deliveries() == 1
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.last_status_code) == (2, 503)
        assert delivery.next_attempt_at == start + timedelta(seconds=60 + 120)

        clock.shift(timedelta(seconds=120))
        sweep_webhook_deliveries()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == (DeliveryState.DELIVERED, 3, 200)
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 503, 200]
    # Every try carried the same event: receivers deduplicate by its id.
    assert len({r.json["id"] for r in receiver.requests}) == 1


def test_backoff_doubles_up_to_its_cap(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS, settings.WEBHOOK_RETRY_MAX_SECONDS = 60, 3600
    delays = [webhook_services.retry_delay(n).total_seconds() for n in range(1, 9)]
    assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_it_gives_up_after_the_last_attempt(
    subscription, receiver, contact, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.statuses = [500, 500, 500]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        raise_incident(contact, django_capture_on_commit_callbacks)
        clock.shift(timedelta(hours=1))
        sweep_webhook_deliveries()
        clock.shift(timedelta(hours=1))
        assert sweep_webhook_deliveries() == 0
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 2)
    assert len(receiver.requests) == 2


def test_a_receiver_that_keeps_failing_is_disabled(
    subscription, receiver, contact, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES, settings.WEBHOOK_DISABLE_AFTER_HOURS = 3, 1
    receiver.statuses = [500] * 10
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(3):
            raise_incident(contact, django_capture_on_commit_callbacks)
        subscription.refresh_from_db()
        assert subscription.consecutive_failures == 3
        assert subscription.active  # three failures in a burst are not a long run yet
        clock.shift(timedelta(hours=1))
        sweep_webhook_deliveries()
    subscription.refresh_from_db()
    assert not subscription.active
    assert subscription.disabled_reason.startswith("Disabled automatically after 3 or more failed deliveries")
    # What is still pending waits for the subscription to be turned back on.
    assert WebhookDelivery.objects.filter(state=DeliveryState.PENDING).count() == 3
    assert sweep_webhook_deliveries() == 0
    receiver.statuses = []
    webhook_services.webhook_subscription_update(subscription=subscription, active=True)
    subscription.refresh_from_db()
    assert (subscription.active, subscription.consecutive_failures, subscription.disabled_at) == (True, 0, None)
    with time_machine.travel(timezone.now() + timedelta(hours=3), tick=False):
        assert sweep_webhook_deliveries() == 3
    assert WebhookDelivery.objects.filter(state=DeliveryState.DELIVERED).count() == 3


def test_a_success_ends_the_run_of_failures(subscription, receiver, contact, django_capture_on_commit_callbacks):
    receiver.statuses = [500]
    raise_incident(contact, django_capture_on_commit_callbacks)
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 1
    raise_incident(contact, django_capture_on_commit_callbacks)
    subscription.refresh_from_db()
    assert (subscription.consecutive_failures, subscription.failing_since) == (0, None)


def test_a_redirect_is_not_followed(subscription, receiver, contact, django_capture_on_commit_callbacks):
    receiver.statuses = [302]
    raise_incident(contact, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.last_status_code, delivery.last_error) == (
        DeliveryState.PENDING,
        302,
        "redirect not followed",
    )


def test_a_delivery_enqueued_twice_is_sent_once(subscription, receiver, contact, django_capture_on_commit_callbacks):
    raise_incident(contact, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert webhook_services.webhook_deliver(delivery_id=delivery.pk) == "skipped"
    assert len(receiver.requests) == 1


def test_a_crashed_workers_lease_runs_out_and_the_sweep_sends_it(
    subscription, receiver, contact, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        IncidentFactory(reporter=contact)
    # A worker claimed it and died before sending.
    WebhookDelivery.objects.update(leased_until=timezone.now() + timedelta(minutes=2), attempts=1)
    assert sweep_webhook_deliveries() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=3), tick=False):
        assert sweep_webhook_deliveries() == 1
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get().state == DeliveryState.DELIVERED


def test_an_unreachable_receiver_is_logged_and_retried(manager, contact, django_capture_on_commit_callbacks, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    webhook_services.webhook_subscription_create(
        target_url="http://127.0.0.1:9/nobody-listens", events=["incident.created"], actor=manager
    )
    raise_incident(contact, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.last_status_code) == (DeliveryState.PENDING, None)
    assert delivery.last_error.startswith("ConnectionError: Failed to establish a new connection: ")
    assert "Connection refused" in delivery.last_error


def test_a_receiver_too_slow_to_answer_is_a_failure_to_retry(
    subscription, receiver, contact, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    receiver.delay = 1.5
    raise_incident(contact, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.last_status_code) == (DeliveryState.PENDING, None)
    assert delivery.last_error.startswith("ReadTimeout: ")
    assert 1000 <= delivery.attempt_log.get().duration_ms < 1500


# --- no private targets (SSRF) ---------------------------------------------------------------


def subscribe_directly(url: str) -> WebhookSubscription:
    """As if the host's DNS changed after the subscription was checked."""
    now = timezone.now()
    return WebhookSubscription.objects.create(
        target_url=url, secret=SECRET, events=["incident.created"], created_at=now, updated_at=now
    )


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_private_target_is_refused_at_connection_time(receiver, contact, host, django_capture_on_commit_callbacks):
    subscribe_directly(receiver.url.replace("127.0.0.1", host))
    raise_incident(contact, django_capture_on_commit_callbacks)
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_error.startswith(f"blocked: {host} resolves to 127.0.0.1")
    assert delivery.attempt_log.get().status_code is None


def test_the_setting_lets_a_local_receiver_through(receiver, contact, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    subscribe_directly(receiver.url)
    raise_incident(contact, django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8000/hook",
        "http://api.localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_subscribing_a_private_address_is_refused(manager, url):
    with pytest.raises(Exception, match="cannot target") as error:
        webhook_services.webhook_subscription_create(target_url=url, events=["incident.created"], actor=manager)
    assert "target_url" in error.value.message_dict


@pytest.fixture
def dns(monkeypatch):
    """Names resolving as a test says (others fail, as in a sandbox without DNS)."""
    answers: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in answers[host]]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.mark.parametrize(
    "addresses",
    [["10.0.0.5"], ["127.0.0.1"], ["93.184.215.14", "192.168.1.20"], ["169.254.169.254"]],
    ids=["private", "loopback", "one-of-several", "metadata"],
)
def test_subscribing_a_name_that_resolves_to_a_private_address_is_refused(manager, dns, addresses):
    dns["hooks.internal.example.org"] = addresses
    with pytest.raises(Exception, match="resolves to") as error:
        webhook_services.webhook_subscription_create(
            target_url="https://hooks.internal.example.org/in", events=["incident.created"], actor=manager
        )
    assert "target_url" in error.value.message_dict
    assert not WebhookSubscription.objects.exists()


def test_subscribing_this_machines_own_name_is_refused(manager):
    name = socket.gethostname()
    addresses = {info[4][0] for info in socket.getaddrinfo(name, 443, type=socket.SOCK_STREAM)}
    if all(transport.is_public_address(address) for address in addresses):
        pytest.skip(f"{name} resolves to public addresses here: {addresses}")
    with pytest.raises(Exception, match="resolves to"):
        webhook_services.webhook_subscription_create(
            target_url=f"http://{name}:8000/hook", events=["incident.created"], actor=manager
        )


def test_a_name_resolving_to_public_addresses_or_not_yet_at_all_is_accepted(manager, dns):
    dns["hooks.partner.example.com"] = ["93.184.215.14"]
    for url in ("https://hooks.partner.example.com/in", "https://not-yet-in-dns.example.com/in"):
        webhook_services.webhook_subscription_create(target_url=url, events=["incident.created"], actor=manager)
    assert WebhookSubscription.objects.count() == 2


def test_the_setting_lets_a_private_name_be_subscribed(manager, dns, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    dns["hooks.internal.example.org"] = ["10.0.0.5"]
    webhook_services.webhook_subscription_create(
        target_url="https://hooks.internal.example.org/in", events=["incident.created"], actor=manager
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://files.example.com/", "Give an http:// or https:// URL with a host name."),
        ("https://[::1/", "Give an http:// or https:// URL with a host name."),
        ("https://user:pw@hooks.example.com/", "Put no credentials in the URL: the signature authenticates us."),
    ],
)
def test_a_target_must_be_a_plain_web_url(manager, url, message):
    with pytest.raises(Exception, match=message):
        webhook_services.webhook_subscription_create(target_url=url, events=["incident.created"], actor=manager)


def test_old_delivered_events_are_pruned_and_pending_ones_kept(subscription, receiver, contact, settings):
    settings.WEBHOOK_LOG_RETENTION_DAYS = 30
    long_ago = timezone.now() - timedelta(days=40)
    with time_machine.travel(long_ago, tick=False):
        IncidentFactory(reporter=contact)  # its delivery stays pending: on_commit never ran
        delivered = IncidentFactory(reporter=contact)
    WebhookDelivery.objects.filter(event__payload__incident__number=delivered.number).update(
        state=DeliveryState.DELIVERED
    )
    IncidentFactory(reporter=contact)  # recent
    assert webhook_services.webhook_log_prune() >= 1
    assert WebhookEvent.objects.count() == 2
    assert not WebhookEvent.objects.filter(payload__incident__number=delivered.number).exists()
