"""Password reset by e-mail: Django's flow, in the desk's pages, the mail sent by a worker
(in-process here) through the configured backend (locmem in tests)."""

import re

import pytest

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new staple 2026"


def reset_link(mail) -> str:
    match = re.search(r"http://testserver(/password-reset/[^/\s]+/[^/\s]+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def test_the_login_page_offers_a_reset(client):
    page = client.get("/login/").content.decode()
    assert 'href="/password-reset/"' in page


def test_a_person_resets_their_password_through_the_link_they_are_mailed(client, customer, mailoutbox):
    form = client.get("/password-reset/")
    assert form.status_code == 200
    assert "Social Service Desk" in form.content.decode()  # the desk's pages, not the admin's

    response = client.post("/password-reset/", {"email": customer.email})
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/sent/"
    assert "Check your e-mail" in client.get(response["Location"]).content.decode()

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [customer.email]
    assert mail.subject == "Reset your service desk password"
    assert mail.from_email == "Service desk <servicedesk@localhost>"
    assert "Alice Andrews" in mail.body

    # The link swaps its token for a session-bound URL, then asks for the new password twice.
    confirm = client.get(reset_link(mail), follow=True)
    assert "Choose a new password" in confirm.content.decode()
    done = client.post(confirm.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert "Password changed" in client.get(done["Location"]).content.decode()
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)

    # Used once, the link is dead.
    again = client.get(reset_link(mail), follow=True)
    assert "already been used or has expired" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, customer, mailoutbox):
    response = client.post("/password-reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/sent/"
    assert mailoutbox == []


def test_a_weak_new_password_is_refused_with_the_reason(client, customer, mailoutbox):
    client.post("/password-reset/", {"email": customer.email})
    confirm = client.get(reset_link(mailoutbox[0]), follow=True)
    response = client.post(confirm.redirect_chain[-1][0], {"new_password1": "password", "new_password2": "password"})
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    customer.refresh_from_db()
    assert not customer.check_password("password")
