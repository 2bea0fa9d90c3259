"""POST /social/webhooks/email/: a raw message, taken only with the bearer token of one of the
desk's addresses; refused with nothing stored otherwise."""

import pytest
from django.urls import reverse

from social.models import InboundEvent, SocialMessage
from tickets.models import Incident

from .conftest import DESK, TOKEN, drain, mail, post

pytestmark = pytest.mark.django_db


def test_it_stores_a_mail_with_the_right_token_and_opens_an_incident(desk, client):
    response = post(client, mail(message_id="<first@example.com>"))

    assert response.status_code == 200 and response.json() == {"received": 1, "stored": 1}
    drain()
    incident = Incident.objects.get()
    assert (incident.channel, incident.title) == ("email", "VPN keeps dropping")
    assert incident.description.startswith("My VPN drops every five minutes")
    opened = SocialMessage.objects.get(external_id="first@example.com")
    assert opened.account_external_id == DESK and opened.identity.handle == "jess@example.com"


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer ", f"bearer{TOKEN}"],
    ids=["none", "wrong", "not-bearer", "longer", "empty", "no-space"],
)
def test_a_missing_or_wrong_token_is_refused_and_nothing_is_stored(desk, client, authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    response = client.post(reverse("social:webhook", args=["email"]), mail(), content_type="message/rfc822", **headers)

    assert response.status_code == 403
    assert response.json() == {"detail": "Missing or wrong bearer token."}
    assert InboundEvent.objects.count() == 0 and SocialMessage.objects.count() == 0


def test_a_token_of_an_inactive_address_is_refused(desk, client):
    desk.active = False
    desk.save()

    assert post(client, mail()).status_code == 403
    assert InboundEvent.objects.count() == 0


def test_the_token_names_the_address_the_mail_was_delivered_for(desk, client):
    from ..factories import SocialAccountFactory

    SocialAccountFactory(channel="email", external_id="hr-help@example.org", bearer_token="hr-token")

    post(client, mail(message_id="<to-hr@example.com>"), token="hr-token")

    assert InboundEvent.objects.get().payload["account_id"] == "hr-help@example.org"


@pytest.mark.parametrize(
    "body", [b"", b"   \r\n", b"just some words, no headers at all\n"], ids=["empty", "blank", "text"]
)
def test_what_is_not_a_mail_is_refused_with_the_reason(desk, client, body):
    response = post(client, body)

    assert response.status_code == 400 and response.json()["detail"]
    assert InboundEvent.objects.count() == 0


def test_a_mail_without_a_sender_is_refused(desk, client):
    raw = b"To: servicedesk@example.org\r\nSubject: hello\r\n\r\nno sender\r\n"

    response = post(client, raw)

    assert response.status_code == 400 and "From" in response.json()["detail"]


def test_the_same_mail_delivered_twice_is_stored_once(desk, client):
    raw = mail(message_id="<twice@example.com>")

    assert post(client, raw).json()["stored"] == 1
    assert post(client, raw).json() == {"received": 1, "stored": 0}
    drain()
    assert Incident.objects.count() == 1


def test_a_mail_over_the_limit_is_refused_before_it_is_read(desk, client, settings):
    settings.EMAIL_MAX_BYTES = 2000

    response = post(client, mail(attachment=("big.bin", b"x" * 5000)))

    assert response.status_code == 413
    assert InboundEvent.objects.count() == 0


def test_a_mail_larger_than_other_platforms_deliveries_is_taken(desk, client, settings):
    settings.SOCIAL_WEBHOOK_MAX_BYTES = 1000

    response = post(client, mail(attachment=("log.txt", b"line\n" * 1000)))

    assert response.status_code == 200


def test_only_post_is_allowed(desk, client):
    assert client.get(reverse("social:webhook", args=["email"])).status_code == 405
