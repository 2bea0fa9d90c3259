"""The OpenAPI schema describes every operation, parameter and error; the docs are served
by the app itself, assets included (no CDN)."""

import re

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("/api/v1/incidents/", "get"),
    ("/api/v1/incidents/", "post"),
    ("/api/v1/incidents/{number}/", "get"),
    ("/api/v1/incidents/{number}/", "patch"),
    ("/api/v1/incidents/{number}/comments/", "get"),
    ("/api/v1/incidents/{number}/comments/", "post"),
    ("/api/v1/incidents/{number}/attachments/", "get"),
    ("/api/v1/incidents/{number}/attachments/", "post"),
    ("/api/v1/attachments/{id}/content/", "get"),
    ("/api/v1/incidents/{number}/events/", "get"),
    ("/api/v1/incidents/{number}/not-an-incident/", "post"),
    ("/api/v1/problems/", "get"),
    ("/api/v1/problems/", "post"),
    ("/api/v1/problems/{number}/", "get"),
    ("/api/v1/problems/{number}/", "patch"),
    ("/api/v1/problems/{number}/link/", "post"),
    ("/api/v1/problems/{number}/unlink/", "post"),
    ("/api/v1/services/", "get"),
    ("/api/v1/services/{id}/", "get"),
    ("/api/v1/contacts/", "get"),
    ("/api/v1/contacts/", "post"),
    ("/api/v1/contacts/{id}/", "get"),
    ("/api/v1/me/", "get"),
    ("/api/v1/webhooks/", "get"),
    ("/api/v1/webhooks/", "post"),
    ("/api/v1/webhooks/{id}/", "get"),
    ("/api/v1/webhooks/{id}/", "patch"),
    ("/api/v1/webhooks/{id}/", "delete"),
    ("/api/v1/webhooks/{id}/deliveries/", "get"),
    ("/api/v1/satisfaction/", "get"),
    ("/api/v1/metrics/service/", "get"),
    ("/api/v1/metrics/sentiment/", "get"),
    ("/api/v1/metrics/self-service/", "get"),
    ("/api/v1/social/messages/", "get"),
    ("/api/v1/social/messages/{id}/", "get"),
    ("/api/v1/broadcasts/", "get"),
    ("/api/v1/broadcasts/", "post"),
    ("/api/v1/broadcasts/{id}/", "get"),
    ("/api/v1/broadcasts/{id}/submit/", "post"),
    ("/api/v1/broadcasts/{id}/approve/", "post"),
    ("/api/v1/broadcasts/{id}/reject/", "post"),
    ("/api/v1/incidents/{number}/similar/", "get"),
    ("/api/v1/problem-candidates/", "get"),
    ("/api/v1/listening/", "get"),
    ("/api/v1/triage/suggest/", "post"),
    ("/api/v1/problem-candidates/{id}/accept/", "post"),
    ("/api/v1/problem-candidates/{id}/dismiss/", "post"),
}


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_generates_without_a_warning(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_every_operation_is_described(schema):
    assert schema["openapi"].startswith("3.")
    found = {(path, method) for path, item in schema["paths"].items() for method in item}
    assert found == OPERATIONS
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert operation["summary"], (path, method)
            assert operation["operationId"], (path, method)


def test_every_operation_documents_its_errors(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            expected = {"401", "403", "406", "429"}
            if method in ("post", "patch"):
                expected |= {"400", "413", "415"}
            if "{" in path:
                expected.add("404")
            if method == "patch" and "/link" not in path:
                expected.add("412")
            assert expected <= codes, (path, method, expected - codes)
            for code in expected:
                ref = operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error"
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"message", "code", "errors"}


def test_list_parameters_are_described(schema):
    listing = schema["paths"]["/api/v1/incidents/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {
        "cursor",
        "page_size",
        "ordering",
        "search",
        "status",
        "priority",
        "channel",
        "service",
        "assignee",
        "reporter",
        "problem",
        "major",
        "created_after",
        "created_before",
        "updated_after",
        "updated_before",
    } <= names
    ordering = next(p for p in listing["parameters"] if p["name"] == "ordering")
    assert "-priority" in ordering["schema"]["enum"]
    patch = schema["paths"]["/api/v1/incidents/{number}/"]["patch"]
    assert "If-Match" in {p["name"] for p in patch["parameters"]}
    assert "ETag" in patch["responses"]["200"]["headers"]
    assert "Retry-After" in patch["responses"]["429"]["headers"]


def test_the_schema_states_both_ways_to_authenticate(schema):
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_docs_are_served_with_their_assets_by_the_app(client, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css|png))"', page)
    assert assets, page
    for asset in assets:
        assert asset.startswith("/static/"), f"{asset} is not served by the app"
        assert client.get(asset).status_code == 200, asset
    assert "cdn" not in page.lower()
