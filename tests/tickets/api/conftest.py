"""Clients for the API tests: each person calls with their own token, as integrators do."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def as_agent(agent) -> APIClient:
    return client_for(agent)


@pytest.fixture
def as_manager(manager) -> APIClient:
    return client_for(manager)


@pytest.fixture
def as_customer(customer) -> APIClient:
    return client_for(customer)


@pytest.fixture
def as_other_customer(other_customer) -> APIClient:
    return client_for(other_customer)


@pytest.fixture
def as_outsider(outsider) -> APIClient:
    return client_for(outsider)


@pytest.fixture
def as_anonymous(db) -> APIClient:
    return APIClient()
