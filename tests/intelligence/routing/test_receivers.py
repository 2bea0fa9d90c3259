"""New incidents and inbound messages get their service suggested by a worker once committed."""

import pytest

from intelligence.routing.models import ServiceSuggestion
from intelligence.routing.services import service_keywords_set

from ...factories import IncidentFactory, ManagerFactory

pytestmark = pytest.mark.django_db


def test_a_new_incident_is_suggested_a_service_once_it_commits(catalogue, django_capture_on_commit_callbacks):
    service_keywords_set(service=catalogue["network"], keywords="vpn, wifi", actor=ManagerFactory())
    with django_capture_on_commit_callbacks(execute=True):
        incident = IncidentFactory(title="VPN and wifi both down", description="")
    incident.refresh_from_db()
    assert incident.service == catalogue["network"]
    assert ServiceSuggestion.objects.get(incident=incident).prefilled
