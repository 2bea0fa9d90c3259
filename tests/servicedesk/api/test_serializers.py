"""Input serializers refuse what the schema refuses: unknown fields, numbers for text, text
too long as sent, and text that is only whitespace where some is required (said in the schema)."""

import pytest
from rest_framework import serializers

from servicedesk.api.schema import NOT_BLANK
from servicedesk.api.serializers import StrictInputSerializer

from ...tickets.api.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", [0, 1.5, True, ["Ivo"], {"first": "Ivo"}])
def test_a_number_or_a_structure_where_text_is_expected_is_a_400(agent, name):
    # REST framework alone would store `0` as the contact named "0".
    response = client_for(agent).post("/api/v1/contacts/", {"name": name}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["errors"]


def test_text_is_still_text(agent):
    response = client_for(agent).post("/api/v1/contacts/", {"name": "Ivo Petrov"}, format="json")
    assert response.status_code == 201, response.json()


def test_an_unknown_field_is_a_400_and_the_schema_says_so(agent, client):
    response = client_for(agent).post("/api/v1/contacts/", {"name": "Ivo", "nmae": "typo"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"nmae": ["Unknown field."]}
    components = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    assert components["ContactCreateRequest"]["additionalProperties"] is False
    assert components["IncidentCreateRequest"]["additionalProperties"] is False
    # Answers may grow fields: only what the desk reads is closed.
    assert "additionalProperties" not in components["Incident"]


def test_text_is_measured_as_sent_not_after_trimming():
    # The schema's maxLength is of what was sent: 201 characters are too many for 200, even
    # when the first is a space REST framework would trim away.
    class Titled(StrictInputSerializer):
        title = serializers.CharField(max_length=200)

    refused = Titled(data={"title": " " + "x" * 200})
    assert not refused.is_valid()
    assert refused.errors["title"] == ["Ensure this field has no more than 200 characters."]
    accepted = Titled(data={"title": " " + "x" * 199})
    assert accepted.is_valid() and accepted.validated_data["title"] == "x" * 199


def test_the_schema_says_required_text_is_not_only_whitespace(agent):
    schema = client_for(agent).get("/api/schema/?format=json").json()
    reason = schema["components"]["schemas"]["RejectRequest"]["properties"]["reason"]
    assert reason["pattern"] == NOT_BLANK
    # Meta's no-break space is whitespace to Python: REST framework trims it and finds nothing.
    response = client_for(agent).post("/api/v1/broadcasts/999999/reject/", {"reason": "\u00a0"}, format="json")
    assert response.status_code == 400 and response.json()["errors"]["reason"] == ["This field may not be blank."]


def test_the_schema_says_an_empty_query_parameter_is_allowed(agent):
    schema = client_for(agent).get("/api/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/incidents/"]["get"]["parameters"]}
    assert parameters["updated_before"]["allowEmptyValue"] is True
    assert client_for(agent).get("/api/v1/incidents/?updated_before=").status_code == 200  # as if not given
