"""E-mail subscriptions: double opt-in, signed one-click unsubscribe, and the e-mails a
state change sends through the worker (the locmem mail backend, never mocked)."""

import re

import pytest
from django.core import mail

from status import services
from status.models import Subscriber

from ..factories import IncidentFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def link(message, kind: str) -> str:
    return re.search(rf"http://testserver(/status/{kind}/[^/\s]+/)", message.body).group(1)


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.STATUS_BASE_URL = "http://testserver"


def subscribe(client, django_capture_on_commit_callbacks, email: str, service=None):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/status/subscribe/", {"email": email, "service": service.pk if service else ""})


def test_nothing_is_sent_until_the_mailed_link_is_followed(client, django_capture_on_commit_callbacks, agent):
    vpn = ServiceFactory(name="VPN")
    response = subscribe(client, django_capture_on_commit_callbacks, "Jess@Example.org", vpn)
    assert response.status_code == 200 and b"Check your e-mail" in response.content
    [confirmation] = mail.outbox
    assert confirmation.to == ["jess@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        IncidentFactory(service=vpn, major=True)
    assert len(mail.outbox) == 1  # not confirmed: not told

    assert b"Subscribed" in client.get(link(confirmation, "confirm")).content
    assert Subscriber.objects.get().confirmed_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.override_set(service=vpn, by=agent, state="degraded", reason="Slow")
    [_, told] = mail.outbox
    assert told.subject == "VPN: Degraded performance"
    assert told.to == ["jess@example.org"]
    assert told.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_state_change_mails_the_services_subscribers_and_everyones_once(
    client, django_capture_on_commit_callbacks, agent
):
    vpn, mail_service = ServiceFactory(name="VPN"), ServiceFactory(name="Mail")
    for email, service in (("a@example.org", vpn), ("b@example.org", mail_service), ("c@example.org", None)):
        subscribe(client, django_capture_on_commit_callbacks, email, service)
    for confirmation in list(mail.outbox):
        client.get(link(confirmation, "confirm"))
    mail.outbox.clear()
    # The incident's own transaction announces the change; the state is recorded on commit.
    with django_capture_on_commit_callbacks(execute=True):
        IncidentFactory(service=vpn, major=True)
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "c@example.org"]
    assert all(m.subject == "VPN: Major outage" for m in mail.outbox)
    # Recording again finds nothing new: nobody is mailed twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.state_changes_record() == []
    assert len(mail.outbox) == 2


def test_one_click_unsubscribe_is_a_signed_post_and_a_get_changes_nothing(
    client, django_capture_on_commit_callbacks, agent
):
    vpn = ServiceFactory(name="VPN")
    subscribe(client, django_capture_on_commit_callbacks, "a@example.org", vpn)
    client.get(link(mail.outbox[0], "confirm"))
    with django_capture_on_commit_callbacks(execute=True):
        services.override_set(service=vpn, by=agent, state="degraded", reason="Slow")
    url = link(mail.outbox[-1], "unsubscribe")
    assert client.get(url).status_code == 200
    assert Subscriber.objects.exists()  # a link scanner's GET unsubscribes nobody
    assert client.post(url).status_code == 200
    assert not Subscriber.objects.exists()
    assert client.post(url[:-3] + "xx/").status_code == 400  # tampered


def test_a_tampered_or_bad_confirmation_is_refused(client, django_capture_on_commit_callbacks):
    assert client.get("/status/confirm/not-a-token/").status_code == 400
    assert subscribe(client, django_capture_on_commit_callbacks, "not an address").status_code == 400
    assert not Subscriber.objects.exists()
