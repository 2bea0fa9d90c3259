"""Who may call the webhook endpoints: managers alone, whatever other role one has. A role
that may not use them gets 403, no credentials 401 (as every endpoint of the API)."""

import pytest

from webhooks import services as webhook_services

from ...tickets.api.conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ["agent", "manager", "customer", "outsider", "anonymous"]

# (method, path, body, expected status for agent, manager, customer, outsider, anonymous)
MATRIX = [
    ("get", "/api/v1/webhooks/", None, (403, 200, 403, 403, 401)),
    (
        "post",
        "/api/v1/webhooks/",
        {"target_url": "https://hooks.example.com/desk", "events": ["incident.created"]},
        (403, 201, 403, 403, 401),
    ),
    ("get", "/api/v1/webhooks/{webhook}/", None, (403, 200, 403, 403, 401)),
    ("patch", "/api/v1/webhooks/{webhook}/", {"description": "Chat bot"}, (403, 200, 403, 403, 401)),
    ("delete", "/api/v1/webhooks/{webhook}/", None, (403, 204, 403, 403, 401)),
    ("get", "/api/v1/webhooks/{webhook}/deliveries/", None, (403, 200, 403, 403, 401)),
]

CASES = [
    pytest.param(method, path, body, role, expected[ROLES.index(role)], id=f"{role}-{method}-{path}")
    for method, path, body, expected in MATRIX
    for role in ROLES
]


@pytest.fixture
def webhook(manager):
    return webhook_services.webhook_subscription_create(
        target_url="https://hooks.example.com/desk", events=["incident.created"], actor=manager
    )


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), CASES)
def test_only_managers_manage_webhooks(request, webhook, method, path, body, role, expected):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    response = getattr(client_for(user), method)(path.format(webhook=webhook.pk), body, format="json")
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert set(response.json()) == {"message", "code", "errors"}
