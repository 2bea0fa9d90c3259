"""The API tests' clients (each person calls with their own token), shared with tickets'."""

from ...tickets.api.conftest import (  # noqa: F401  (fixtures)
    _fresh_rate_limits,
    as_agent,
    as_anonymous,
    as_customer,
    as_manager,
    as_outsider,
    client_for,
)
