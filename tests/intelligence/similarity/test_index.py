"""The index follows the incidents as they are written: incremental, idempotent, exact counts."""

from collections import Counter

import pytest

from intelligence.similarity import scorer
from intelligence.similarity.index import incidents_index, incidents_index_pending, incidents_to_index
from intelligence.similarity.models import IncidentVector, Posting, TermFrequency
from tests.factories import IncidentFactory
from tickets import services

pytestmark = pytest.mark.django_db


def recounted_frequencies() -> Counter:
    """The document frequencies recounted from scratch from the stored vectors."""
    counts: Counter = Counter()
    for vector in IncidentVector.objects.all():
        title = scorer.Vector.unpack(vector.title_vector)
        full = scorer.Vector.unpack(vector.full_vector)
        counts.update({*title.terms, *full.terms, scorer.DOCUMENTS_TERM})
    return counts


def stored_frequencies() -> Counter:
    return Counter({t: d for t, d in TermFrequency.objects.values_list("term", "documents") if d})


def test_it_indexes_an_incident_as_it_is_created(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        incident = IncidentFactory(title="VPN disconnects every hour")
    vector = IncidentVector.objects.get(incident=incident)
    assert scorer.term_id("vpn") in scorer.Vector.unpack(vector.full_vector).terms
    assert Posting.objects.filter(incident=incident, term=scorer.term_id("vpn")).exists()
    assert stored_frequencies() == recounted_frequencies()


def test_it_follows_a_changed_text(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        incident = IncidentFactory(title="VPN disconnects every hour")
        IncidentFactory(title="Printer jammed")
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_source_edited(incident=incident, description="Outlook will not start", actor=None)
    full = scorer.Vector.unpack(IncidentVector.objects.get(incident=incident).full_vector)
    assert scorer.term_id("outlook") in full.terms
    assert stored_frequencies() == recounted_frequencies()
    assert TermFrequency.objects.get(term=scorer.DOCUMENTS_TERM).documents == 2


def test_running_twice_changes_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        incident = IncidentFactory(title="Wi-Fi drops in building B")
    before = stored_frequencies()
    assert incidents_index(incident_ids=[incident.pk]) == 0
    assert stored_frequencies() == before


def test_the_sweep_finds_what_no_task_indexed():
    incident = IncidentFactory(title="Teams calls drop")  # no on-commit callbacks ran: nothing indexed
    assert not IncidentVector.objects.exists()
    assert incidents_to_index(since=incident.updated_at, limit=10) == [incident.pk]
    assert incidents_index_pending(lookback=__import__("datetime").timedelta(hours=1)) == 1
    assert IncidentVector.objects.filter(incident=incident).exists()
    assert incidents_to_index(since=incident.updated_at, limit=10) == []


def test_the_sweep_notes_a_change_that_left_the_words_alone(agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        incident = IncidentFactory(title="Teams calls drop")
    services.incident_assign(incident=incident, assignee=agent, actor=agent)
    incident.refresh_from_db()
    assert incidents_to_index(since=incident.created_at, limit=10) == [incident.pk]
    assert incidents_index(incident_ids=[incident.pk]) == 0  # the words did not change: no reweighing
    assert incidents_to_index(since=incident.created_at, limit=10) == []
