import pytest
from django.contrib import admin
from django.urls import reverse

from tickets.models import Event, EventKind, Incident

from ..factories import IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_every_model_has_a_working_admin(admin_client, contact):
    IncidentFactory(reporter=contact)
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "tickets":
            continue
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
        if model_admin.search_fields:
            assert admin_client.get(changelist + "?q=x").status_code == 200


def test_admin_edits_go_through_the_services(admin_client, contact):
    incident = IncidentFactory(reporter=contact, title="Old")
    url = reverse("admin:tickets_incident_change", args=[incident.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update({"title": "New", "impact": 1, "urgency": 1})
    for prefix in ("comments", "events"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    incident.refresh_from_db()
    assert (incident.title, incident.priority) == ("New", 1)
    assert Event.objects.filter(incident=incident, kind=EventKind.PRIORITY).exists()


def test_nothing_can_be_deleted_from_the_admin(admin_client, contact):
    incident = IncidentFactory(reporter=contact)
    assert admin_client.get(reverse("admin:tickets_incident_delete", args=[incident.pk])).status_code == 403
    event = Event.objects.get(incident=incident)
    assert admin_client.get(reverse("admin:tickets_event_delete", args=[event.pk])).status_code == 403
    assert Incident.objects.filter(pk=incident.pk).exists()
