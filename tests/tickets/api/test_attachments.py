"""/api/v1/incidents/<number>/attachments/: listing and uploading (multipart), and the
content at /api/v1/attachments/<id>/content/, with the pages' rules on who sees what."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets import services
from tickets.models import Attachment, Visibility

from ...factories import IncidentFactory
from ...files import LOG, PDF, WINDOWS_PROGRAM, png_bytes, upload

pytestmark = pytest.mark.django_db

AUTH = 3  # token + user, user permissions, group permissions


@pytest.fixture
def incident(customer):
    return IncidentFactory(reporter=services.contact_for_user(user=customer))


def url(incident) -> str:
    return f"/api/v1/incidents/{incident.number}/attachments/"


def post_file(client, incident, name, content, **fields):
    return client.post(url(incident), {"file": upload(name, content), **fields}, format="multipart")


def test_a_customer_uploads_a_screenshot_to_their_incident(as_customer, incident, customer):
    response = post_file(as_customer, incident, "screen.png", png_bytes())
    assert response.status_code == 201, response.content
    body = response.json()
    attachment = Attachment.objects.get()
    assert body["id"] == attachment.pk
    assert {k: body[k] for k in ("name", "content_type", "size", "visibility", "link", "comment")} == {
        "name": "screen.png",
        "content_type": "image/png",
        "size": len(png_bytes()),
        "visibility": "public",
        "link": False,
        "comment": None,
    }
    assert body["uploaded_by"] == {"name": "Alice Andrews", "user": customer.pk, "contact": None}
    assert body["url"] == f"http://testserver/api/v1/attachments/{attachment.pk}/content/"
    content = as_customer.get(body["url"])
    assert content.status_code == 200 and b"".join(content.streaming_content) == png_bytes()


def test_a_refused_file_is_a_400_saying_why(as_customer, incident):
    response = post_file(as_customer, incident, "screen.png", WINDOWS_PROGRAM)
    assert response.status_code == 400
    assert "application/x-msdownload" in str(response.json()["errors"]["file"])
    assert not Attachment.objects.exists()


def test_over_the_size_limit_is_a_400(as_customer, incident, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    response = post_file(as_customer, incident, "a.log", LOG)
    assert response.status_code == 400 and "at most 100" in str(response.json()["errors"]["file"])


def test_no_file_is_a_400(as_customer, incident):
    response = as_customer.post(url(incident), {"visibility": "public"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]


def test_json_is_not_how_files_are_sent(as_customer, incident):
    response = as_customer.post(url(incident), {"file": "aGVsbG8="}, format="json")
    assert response.status_code == 415


def test_another_customer_can_neither_list_nor_upload_nor_download(as_other_customer, incident, customer):
    attachment = services.attachment_create(incident=incident, file=upload("a.log", LOG), actor=customer)
    assert as_other_customer.get(url(incident)).status_code == 404
    assert post_file(as_other_customer, incident, "b.log", LOG).status_code == 404
    assert as_other_customer.get(f"/api/v1/attachments/{attachment.pk}/content/").status_code == 404
    assert Attachment.objects.count() == 1


def test_someone_without_a_role_or_a_token_is_refused(as_outsider, as_anonymous, incident):
    assert as_outsider.get(url(incident)).status_code == 403
    assert as_anonymous.get(url(incident)).status_code == 401
    assert post_file(as_anonymous, incident, "b.log", LOG).status_code == 401


def test_a_customer_may_not_upload_internally(as_customer, incident):
    response = post_file(as_customer, incident, "a.log", LOG, visibility="internal")
    assert response.status_code == 403 and not Attachment.objects.exists()


def test_agents_list_everything_and_customers_the_public_files(as_agent, as_customer, incident, agent):
    assert post_file(as_agent, incident, "trace.log", LOG, visibility="internal").status_code == 201
    assert post_file(as_agent, incident, "report.pdf", PDF).status_code == 201
    services.attachment_link_create(
        incident=incident,
        link=services.AttachmentLink(url="https://pbs.twimg.com/media/Fx1.jpg", name="photo on X"),
        actor=incident.reporter,
    )
    agent_view = [(a["name"], a["visibility"], a["link"]) for a in as_agent.get(url(incident)).json()["results"]]
    assert agent_view == [
        ("trace.log", "internal", False),
        ("report.pdf", "public", False),
        ("photo on X", "public", True),
    ]
    customer_rows = as_customer.get(url(incident)).json()["results"]
    assert [a["name"] for a in customer_rows] == ["report.pdf", "photo on X"]
    assert customer_rows[1]["url"] == "https://pbs.twimg.com/media/Fx1.jpg"
    internal = Attachment.objects.get(visibility=Visibility.INTERNAL)
    assert as_customer.get(f"/api/v1/attachments/{internal.pk}/content/").status_code == 404
    assert as_agent.get(f"/api/v1/attachments/{internal.pk}/content/").status_code == 200


def test_the_content_is_served_as_the_pages_serve_it(as_agent, incident, agent):
    attachment = services.attachment_create(incident=incident, file=upload("report.pdf", PDF), actor=agent)
    response = as_agent.get(f"/api/v1/attachments/{attachment.pk}/content/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_list_costs_the_same_for_two_and_forty_files(as_agent, incident, agent, contact):
    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = as_agent.get(url(incident))
        assert response.status_code == 200
        return len(captured), len(response.json()["results"])

    services.attachment_create(incident=incident, file=upload("a.log", LOG), actor=agent)
    services.attachment_link_create(
        incident=incident, link=services.AttachmentLink(url="https://example.com/a.jpg"), actor=contact
    )
    few = count()
    for n in range(19):
        services.attachment_create(incident=incident, file=upload(f"{n}.log", LOG), actor=incident.reporter)
        services.attachment_link_create(
            incident=incident, link=services.AttachmentLink(url=f"https://example.com/{n}.jpg"), actor=contact
        )
    # AUTH, the incident, the page of attachments with who uploaded them
    assert few == (AUTH + 2, 2)
    assert count() == (AUTH + 2, 40)
