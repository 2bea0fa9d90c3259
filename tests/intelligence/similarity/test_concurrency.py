"""Several workers indexing overlapping batches at once, on PostgreSQL: the counts still add up."""

import threading

import pytest
from django.db import connection, connections

from intelligence.similarity.index import incidents_index
from intelligence.similarity.models import IncidentVector, Posting
from tests.factories import IncidentFactory
from tickets import services

from .test_index import recounted_frequencies, stored_frequencies

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TOPICS = ["VPN tunnel drops", "Printer jammed", "Outlook crashes", "Wi-Fi slow in building B", "SAP login fails"]


def run_together(batches: list[list[int]]) -> list[BaseException]:
    start = threading.Barrier(len(batches))
    failures: list[BaseException] = []

    def work(ids):
        try:
            start.wait()
            for _ in range(3):  # and again: running twice must change nothing
                incidents_index(incident_ids=ids)
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(ids,)) for ids in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_overlapping_batches_index_each_incident_once_and_count_exactly():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL is needed: the index's locks are PostgreSQL's")
    incidents = [IncidentFactory(title=f"{TOPICS[i % 5]} #{i}", description=TOPICS[(i + 1) % 5]) for i in range(40)]
    ids = [incident.pk for incident in incidents]
    # Four workers, each batch overlapping two others, in different orders.
    assert run_together([ids[:25], ids[15:], list(reversed(ids[10:35])), ids[::2]]) == []
    assert IncidentVector.objects.count() == 40
    assert stored_frequencies() == recounted_frequencies()
    assert Posting.objects.values("incident").distinct().count() == 40

    # The same incidents edited, then reindexed by racing workers: still exact.
    for incident in incidents[:20]:
        services.incident_source_edited(incident=incident, description="Teams meetings freeze", actor=None)
    assert run_together([ids[:20], ids[5:25], ids[:10] + ids[30:]]) == []
    assert stored_frequencies() == recounted_frequencies()
