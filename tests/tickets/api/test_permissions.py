"""Who may call what: every endpoint × agent, manager, customer, no role, anonymous.

The rules are the pages' rules: agents and managers work everything; a customer sees and
writes only their own incidents and public replies (managers alone manage webhooks:
tests/webhooks/api/test_permissions.py). A role that may not use an endpoint gets 403, an
object it may not see 404, no credentials 401.
"""

import pytest

from tickets import services

from ...factories import ContactFactory, IncidentFactory, ProblemFactory, ServiceFactory
from .conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ["agent", "manager", "customer", "outsider", "anonymous"]

# (method, path, body, expected status for agent, manager, customer, outsider, anonymous)
# INC0000001 is the customer's, INC0000002 somebody else's (linked to PRB0000001),
# INC0000003 unlinked. {service} and {contact} are ids of the desk's rows.
MATRIX = [
    ("get", "/api/v1/incidents/", None, (200, 200, 200, 403, 401)),
    ("post", "/api/v1/incidents/", {"title": "Printer on fire"}, (201, 201, 201, 403, 401)),
    ("get", "/api/v1/incidents/INC0000001/", None, (200, 200, 200, 403, 401)),
    ("get", "/api/v1/incidents/INC0000002/", None, (200, 200, 404, 403, 401)),
    ("patch", "/api/v1/incidents/INC0000001/", {"title": "Renamed"}, (200, 200, 403, 403, 401)),
    ("patch", "/api/v1/incidents/INC0000002/", {"title": "Renamed"}, (200, 200, 404, 403, 401)),
    ("get", "/api/v1/incidents/INC0000001/comments/", None, (200, 200, 200, 403, 401)),
    ("get", "/api/v1/incidents/INC0000002/comments/", None, (200, 200, 404, 403, 401)),
    ("post", "/api/v1/incidents/INC0000001/comments/", {"body": "Any news?"}, (201, 201, 201, 403, 401)),
    (
        "post",
        "/api/v1/incidents/INC0000001/comments/",
        {"body": "Between us", "visibility": "internal"},
        (201, 201, 403, 403, 401),
    ),
    ("post", "/api/v1/incidents/INC0000002/comments/", {"body": "Hello"}, (201, 201, 404, 403, 401)),
    ("get", "/api/v1/incidents/INC0000001/events/", None, (200, 200, 200, 403, 401)),
    ("get", "/api/v1/incidents/INC0000002/events/", None, (200, 200, 404, 403, 401)),
    ("get", "/api/v1/problems/", None, (200, 200, 403, 403, 401)),
    ("post", "/api/v1/problems/", {"title": "Printers keep failing"}, (201, 201, 403, 403, 401)),
    ("get", "/api/v1/problems/PRB0000001/", None, (200, 200, 403, 403, 401)),
    ("patch", "/api/v1/problems/PRB0000001/", {"title": "Renamed"}, (200, 200, 403, 403, 401)),
    ("post", "/api/v1/problems/PRB0000001/link/", {"incidents": ["INC0000003"]}, (200, 200, 403, 403, 401)),
    ("post", "/api/v1/problems/PRB0000001/unlink/", {"incidents": ["INC0000002"]}, (200, 200, 403, 403, 401)),
    ("get", "/api/v1/services/", None, (200, 200, 200, 403, 401)),
    ("get", "/api/v1/services/{service}/", None, (200, 200, 200, 403, 401)),
    ("get", "/api/v1/contacts/", None, (200, 200, 403, 403, 401)),
    ("post", "/api/v1/contacts/", {"name": "Jo Bloggs"}, (201, 201, 403, 403, 401)),
    ("get", "/api/v1/contacts/{contact}/", None, (200, 200, 403, 403, 401)),
    ("get", "/api/v1/me/", None, (200, 200, 200, 200, 401)),
]

CASES = [
    pytest.param(method, path, body, role, expected[ROLES.index(role)], id=f"{role}-{method}-{path}")
    for method, path, body, expected in MATRIX
    for role in ROLES
]


@pytest.fixture
def desk(agent, customer, contact):
    reporter = services.contact_for_user(user=customer)
    IncidentFactory(reporter=reporter)  # INC0000001
    theirs = IncidentFactory(reporter=contact)  # INC0000002
    IncidentFactory(reporter=contact)  # INC0000003
    ProblemFactory(incidents=[theirs])  # PRB0000001
    return {"service": ServiceFactory(name="Email").pk, "contact": ContactFactory().pk}


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), CASES)
def test_every_role_on_every_endpoint(request, desk, method, path, body, role, expected):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    client = client_for(user)
    response = getattr(client, method)(path.format(**desk), body, format="json")
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert set(response.json()) == {"message", "code", "errors"}


def test_without_credentials_the_answer_says_how_to_authenticate(as_anonymous):
    response = as_anonymous.get("/api/v1/incidents/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_a_wrong_token_is_refused(as_anonymous):
    as_anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = as_anonymous.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_an_inactive_users_token_stops_working(as_agent, agent):
    assert as_agent.get("/api/v1/me/").status_code == 200
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert as_agent.get("/api/v1/me/").status_code == 401
