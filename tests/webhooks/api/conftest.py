"""Clients for the webhook API tests: each person calls with their own token (as in the
tickets API tests, whose `client_for` this reuses)."""

import pytest
from rest_framework.test import APIClient

from ...tickets.api.conftest import _fresh_rate_limits, client_for

__all__ = ["_fresh_rate_limits"]


@pytest.fixture
def as_manager(manager) -> APIClient:
    return client_for(manager)


@pytest.fixture
def as_agent(agent) -> APIClient:
    return client_for(agent)
