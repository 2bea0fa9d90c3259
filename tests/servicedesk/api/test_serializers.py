"""Input serializers refuse what the schema refuses: unknown fields and numbers for text."""

import pytest

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
