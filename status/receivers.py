"""Incidents, problems or changes changed: the services' states may have (on commit)."""

from django.db import transaction

from .services import page_changed
from .tasks import record_state_changes


def tickets_changed(sender, **kwargs) -> None:
    # Once per transaction's announcement (an intake batch announces once): five queries.
    transaction.on_commit(record_state_changes.delay, robust=True)


def page_stale(sender, **kwargs) -> None:
    """A broadcast published, a change planned or moved: the cached page shows it at once."""
    transaction.on_commit(page_changed, robust=True)
