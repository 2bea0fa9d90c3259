"""Attachments on the pages: uploading with a reply (portal and console), and the file served
only to those who may see the incident, in a form no browser runs on the desk's origin."""

import pytest
from django.urls import reverse

from tickets import services
from tickets.models import Attachment, Visibility

from ...factories import IncidentFactory
from ...files import LOG, PDF, WINDOWS_PROGRAM, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(customer):
    return IncidentFactory(reporter=services.contact_for_user(user=customer), title="VPN drops")


@pytest.fixture
def screenshot(incident, customer):
    return services.attachment_create(incident=incident, file=upload("screen.png", png_bytes()), actor=customer)


def download(client, attachment):
    return client.get(reverse("attachment_download", args=[attachment.pk]))


# --- who may see it ---------------------------------------------------------------------------


def test_its_customer_sees_the_file(customer_client, screenshot):
    response = download(customer_client, screenshot)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()


def test_another_customer_is_told_it_does_not_exist(client, other_customer, screenshot):
    client.force_login(other_customer)
    assert download(client, screenshot).status_code == 404


def test_agents_see_every_file(agent_client, screenshot, agent, incident):
    internal = services.attachment_create(
        incident=incident, file=upload("trace.log", LOG), actor=agent, visibility=Visibility.INTERNAL
    )
    assert download(agent_client, screenshot).status_code == 200
    assert download(agent_client, internal).status_code == 200


def test_a_customer_never_sees_an_internal_file_of_their_own_incident(customer_client, agent, incident):
    internal = services.attachment_create(
        incident=incident, file=upload("trace.log", LOG), actor=agent, visibility=Visibility.INTERNAL
    )
    assert download(customer_client, internal).status_code == 404
    page = customer_client.get(reverse("portal_incident", args=[incident.number])).text
    assert "trace.log" not in page


def test_nobody_signed_out_gets_it(client, screenshot):
    response = download(client, screenshot)
    assert response.status_code == 302 and "login" in response.url


def test_someone_without_a_role_is_told_it_does_not_exist(client, outsider, screenshot):
    client.force_login(outsider)
    assert download(client, screenshot).status_code == 404


def test_no_public_url_serves_the_stored_file(client, screenshot, settings):
    assert client.get(f"/media/{screenshot.file.name}").status_code == 404
    assert client.get(f"/{screenshot.file.name}").status_code == 404


# --- how it is served -------------------------------------------------------------------------


def test_an_image_opens_in_the_browser_with_the_type_found_in_it(customer_client, screenshot):
    response = download(customer_client, screenshot)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="screen.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Length"] == str(len(png_bytes()))


def test_anything_else_is_a_download_even_html_in_a_text_file(customer_client, incident, customer):
    html = services.attachment_create(
        incident=incident,
        file=upload("notes.txt", b"<html><body><script>alert(document.cookie)</script></body></html>"),
        actor=customer,
    )
    pdf = services.attachment_create(incident=incident, file=upload("report.pdf", PDF), actor=customer)
    for attachment, content_type in ((html, "text/plain"), (pdf, "application/pdf")):
        response = download(customer_client, attachment)
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_name_with_any_character_is_offered_safely(customer_client, incident, customer):
    attachment = services.attachment_create(
        incident=incident, file=upload('rapport "final"; ça.pdf', PDF), actor=customer
    )
    disposition = download(customer_client, attachment)["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition


def test_a_platform_photo_sends_the_viewer_to_the_platform(customer_client, incident):
    link = services.attachment_link_create(
        incident=incident,
        link=services.AttachmentLink(url="https://pbs.twimg.com/media/Fx1.jpg", name="photo on X"),
        actor=incident.reporter,
    )
    response = download(customer_client, link)
    assert (response.status_code, response.url) == (302, "https://pbs.twimg.com/media/Fx1.jpg")


# --- uploading with a reply -------------------------------------------------------------------


def test_a_customer_replies_with_a_screenshot_from_the_portal(customer_client, incident):
    response = customer_client.post(
        reverse("portal_reply", args=[incident.number]),
        {"body": "This is what I see", "file": [upload("screen.png", png_bytes()), upload("vpn.log", LOG)]},
    )
    assert response.status_code == 302
    comment = incident.comments.get()
    assert sorted(comment.attachments.values_list("name", "content_type")) == [
        ("screen.png", "image/png"),
        ("vpn.log", "text/plain"),
    ]
    page = customer_client.get(reverse("portal_incident", args=[incident.number])).text
    attachment = Attachment.objects.get(name="screen.png")
    assert reverse("attachment_download", args=[attachment.pk]) in page
    assert 'id="attachments"' in page


def test_a_refused_file_keeps_the_reply_on_the_form_and_saves_nothing(customer_client, incident):
    response = customer_client.post(
        reverse("portal_reply", args=[incident.number]),
        {"body": "My screenshot", "file": [upload("screen.png", WINDOWS_PROGRAM)]},
    )
    assert response.status_code == 400
    page = response.text
    assert "screen.png is a file of type application/x-msdownload, which the desk does not take" in page
    assert "My screenshot" in page
    assert not incident.comments.exists() and not Attachment.objects.exists()


def test_a_reply_without_files_still_works(customer_client, incident):
    response = customer_client.post(reverse("portal_reply", args=[incident.number]), {"body": "Any news?"})
    assert response.status_code == 302 and incident.comments.get().body == "Any news?"


def test_an_agent_adds_an_internal_note_with_a_log(agent_client, incident):
    response = agent_client.post(
        reverse("incident_comment", args=[incident.number]),
        {"body": "Router says", "visibility": "internal", "file": upload("router.log", LOG)},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.visibility, attachment.comment.body) == (Visibility.INTERNAL, "Router says")
    page = agent_client.get(reverse("incident_detail", args=[incident.number])).text
    assert "router.log" in page and 'enctype="multipart/form-data"' in page


def test_a_customer_cannot_post_files_to_another_customers_incident(client, other_customer, incident):
    client.force_login(other_customer)
    response = client.post(
        reverse("portal_reply", args=[incident.number]), {"body": "hi", "file": upload("a.log", LOG)}
    )
    assert response.status_code == 404
    assert not Attachment.objects.exists()
