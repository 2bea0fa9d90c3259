"""Making an event storable (social.inbox.storable): what PostgreSQL refuses is replaced where it
is, the rest is left alone, and the raw event is kept as the platform sent it."""

import json

import pytest

from social.events import ParsedEvent
from social.inbox.storable import REPLACEMENT, storable
from social.inbox.store import inbound_store
from social.models import InboundEvent

from .conftest import tweet


def test_an_ordinary_event_is_left_as_it_is_and_dumped_once():
    event = tweet("t1", "my screen is black 😬", raw={"text": "my screen is black 😬", "n": 1.5})
    same, text = storable(event)
    assert same is event
    assert json.loads(text) == event.to_json()
    assert "replaced" not in json.loads(text) and "raw_as_sent" not in json.loads(text)


def test_a_backslash_written_out_is_not_mistaken_for_a_nul():
    event = tweet("t1", r"C:\u0000 is not a path", raw={"text": r"C:\u0000 is not a path"})
    same, text = storable(event)
    assert same is event and json.loads(text)["text"] == r"C:\u0000 is not a path"


def test_nul_and_lone_surrogates_are_replaced_everywhere_and_named():
    raw = {"user": {"name": "Kim\x00", "na\ud800me": "x"}, "list": ["ok", "\udc00"]}
    event = tweet("t\x001", "a\x00b\ud800c", author="4\x002", handle="@k\ud800", raw=raw)
    fixed, text = storable(event)
    assert (fixed.external_id, fixed.text, fixed.author_id, fixed.author_handle) == (
        f"t{REPLACEMENT}1",
        f"a{REPLACEMENT}b{REPLACEMENT}c",
        f"4{REPLACEMENT}2",
        f"@k{REPLACEMENT}",
    )
    assert fixed.raw == {"user": {"name": f"Kim{REPLACEMENT}", f"na{REPLACEMENT}me": "x"}, "list": ["ok", REPLACEMENT]}
    assert set(fixed.replaced) >= {
        "external_id",
        "text",
        "author_id",
        "author_handle",
        "raw.user.name",
        f"raw.user.na{REPLACEMENT}me (key)",
        "raw.list[1]",
    }
    assert json.loads(fixed.raw_as_sent) == raw  # the characters as they came
    assert fixed.raw_as_sent.isascii()
    text.encode()  # UTF-8 without complaint: nothing unencodable left
    stored = json.loads(text)
    assert "\x00" not in stored["text"] and "\x00" not in stored["raw"]["user"]["name"]
    assert ParsedEvent.from_json(json.loads(text)) == fixed


def test_numbers_json_cannot_write_back_are_kept_as_their_text():
    event = tweet("t1", raw={"big": float("inf"), "odd": [float("nan")], "fine": 2.5})
    fixed, text = storable(event)
    assert fixed.raw == {"big": "inf", "odd": ["nan"], "fine": 2.5}
    assert set(fixed.replaced) == {"raw.big", "raw.odd[0]"}
    assert json.loads(text)["raw"]["big"] == "inf"


@pytest.mark.django_db
def test_the_store_keeps_the_good_and_the_repaired_alike():
    ids = inbound_store(events=[tweet("t1"), tweet("t2", "oops\x00", raw={"x": float("inf")}), tweet("t3")])
    assert len(ids) == 3
    repaired = InboundEvent.objects.get(dedup_key="t2").payload
    assert repaired["text"] == f"oops{REPLACEMENT}" and repaired["raw"] == {"x": "inf"}
    assert set(repaired["replaced"]) == {"text", "raw.x"}
