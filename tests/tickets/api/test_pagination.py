"""Cursor pagination: stable while rows are inserted, in every ordering, both directions."""

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tickets import services

from ...factories import IncidentFactory

pytestmark = pytest.mark.django_db


def walk(client, url: str, *, between_pages=None) -> list[str]:
    """Follow `next` links to the end; call `between_pages` after each page."""
    seen = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json()
        seen += [i["number"] for i in response.json()["results"]]
        url = response.json()["next"]
        if between_pages:
            between_pages()
    return seen


@pytest.fixture
def thirty(contact):
    now = timezone.now()
    # Distinct and tied creation times alike: ties are broken by id.
    return [
        IncidentFactory(reporter=contact, opened_at=now - timedelta(minutes=i // 3), urgency=1 + i % 3)
        for i in range(30)
    ]


@pytest.mark.parametrize("ordering", ["-created_at", "created_at", "priority", "-priority", "-updated_at", "number"])
def test_pages_cover_every_row_once(as_agent, thirty, ordering):
    everything = [
        i["number"] for i in as_agent.get(f"/api/v1/incidents/?ordering={ordering}&page_size=200").json()["results"]
    ]
    paged = walk(as_agent, f"/api/v1/incidents/?ordering={ordering}&page_size=7")
    assert paged == everything
    assert sorted(paged) == sorted(i.number for i in thirty)


@pytest.mark.parametrize("ordering", ["-created_at", "priority", "-updated_at"])
def test_rows_inserted_while_paging_neither_repeat_nor_push_others_out(as_agent, contact, thirty, ordering):
    before = {i.number for i in thirty}
    inserted = []

    def insert():
        # New incidents land anywhere in the order: now, backdated, at every priority.
        for minutes in (0, 5, 60):
            inserted.append(
                IncidentFactory(
                    reporter=contact,
                    opened_at=timezone.now() - timedelta(minutes=minutes),
                    urgency=1 + len(inserted) % 3,
                ).number
            )

    seen = walk(as_agent, f"/api/v1/incidents/?ordering={ordering}&page_size=7", between_pages=insert)
    assert len(seen) == len(set(seen)), "a row was shown twice"
    assert before <= set(seen), "a row that existed all along was skipped"
    assert set(seen) - before <= set(inserted)


def test_updates_while_paging_by_update_time_never_show_a_row_twice(as_agent, agent, thirty):
    seen = []
    url = "/api/v1/incidents/?ordering=-updated_at&page_size=10"
    response = as_agent.get(url)
    seen += [i["number"] for i in response.json()["results"]]
    # The row shown first is changed: it moves to the top, behind the cursor.
    services.incident_update(incident=thirty[-1], actor=agent, title="Moved up")
    seen += walk(as_agent, response.json()["next"])
    assert len(seen) == len(set(seen))


def test_previous_walks_back(as_agent, thirty):
    first = as_agent.get("/api/v1/incidents/?page_size=10").json()
    assert first["previous"] is None
    second = as_agent.get(first["next"]).json()
    back = as_agent.get(second["previous"]).json()
    assert [i["number"] for i in back["results"]] == [i["number"] for i in first["results"]]
    assert back["previous"] is None
    assert back["next"] is not None


def test_the_default_page_is_fifty(as_agent, contact):
    for _ in range(51):
        IncidentFactory(reporter=contact)
    page = as_agent.get("/api/v1/incidents/").json()
    assert len(page["results"]) == 50
    assert len(as_agent.get(page["next"]).json()["results"]) == 1


@pytest.mark.parametrize("size", ["0", "201", "ten"])
def test_page_size_is_bounded(as_agent, size):
    response = as_agent.get(f"/api/v1/incidents/?page_size={size}")
    assert response.status_code == 400
    assert response.json()["errors"] == {"page_size": ["Give a whole number from 1 to 200."]}


def _cursor(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        "eyJ9",
        _cursor({"d": "next", "o": "-created_at", "v": ["not a date", 1]}),
        _cursor({"d": "next", "o": "priority", "v": [1, "2026-01-01T00:00:00Z", 1]}),  # another ordering's
        _cursor({"d": "sideways", "o": "-created_at", "v": ["2026-01-01T00:00:00Z", 1]}),
        _cursor({"d": "next", "o": "-created_at", "v": ["2026-01-01T00:00:00Z"]}),
        _cursor({"d": "next", "o": "-created_at", "v": ["2026-01-01T00:00:00Z", None]}),
        _cursor(["a list"]),
        _cursor({"d": "next", "o": "-created_at", "v": ["2026-01-01T00:00:00", 1]}),  # no offset
        _cursor({"d": "next", "o": "-created_at", "v": ["0001-01-01T00:00:00+05:00", 1]}),  # before year 1 in UTC
    ],
)
def test_a_cursor_it_did_not_make_is_a_400(as_agent, thirty, cursor):
    response = as_agent.get(f"/api/v1/incidents/?cursor={cursor}")
    assert response.status_code == 400
    assert response.json()["errors"] == {"cursor": ["Invalid cursor: use the next or previous link as is."]}


def test_an_empty_cursor_is_the_first_page(as_agent, thirty):
    # A form or a client that always sends the parameter leaves it empty: that is no cursor.
    first = as_agent.get("/api/v1/incidents/?cursor=")
    assert first.status_code == 200
    assert first.json()["results"] == as_agent.get("/api/v1/incidents/").json()["results"]


def test_an_empty_page_size_or_ordering_is_the_default(as_agent, thirty):
    default = as_agent.get("/api/v1/incidents/").json()["results"]
    for query in ("page_size=", "ordering=", "page_size=&ordering=&cursor="):
        response = as_agent.get(f"/api/v1/incidents/?{query}")
        assert response.status_code == 200, query
        assert response.json()["results"] == default, query


def test_an_id_beyond_the_columns_range_in_a_cursor_is_harmless(as_agent, thirty):
    cursor = _cursor({"d": "next", "o": "-created_at", "v": ["2999-01-01T00:00:00Z", 10**30]})
    response = as_agent.get(f"/api/v1/incidents/?cursor={cursor}&page_size=200")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 30


def test_a_cursor_time_with_an_offset_postgresql_refuses_still_works(as_agent, thirty):
    cursor = _cursor({"d": "next", "o": "-created_at", "v": ["2999-01-01T00:00:00-17:37", 1]})
    response = as_agent.get(f"/api/v1/incidents/?cursor={cursor}&page_size=200")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 30
