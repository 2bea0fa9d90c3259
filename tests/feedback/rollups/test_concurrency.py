"""Two workers refreshing at once take turns on the cursor row and count everything once."""

import threading

import pytest
from django.db import connection, connections

from feedback.rollups.refresh import rollups_refresh

from .test_refresh import assert_rollups_match


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_refreshes_count_everything_once(desk):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite runs one writer at a time anyway)")
    results, errors = [], []

    def worker():
        try:
            results.append(rollups_refresh())
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # Whichever worker came first counted the incidents; the others found them counted.
    assert sorted(r.incidents_changed for r in results) == [0, 0, 12]
    assert_rollups_match()
