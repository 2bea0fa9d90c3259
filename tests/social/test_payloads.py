"""The shape checks every platform's parser reads its payloads with (social.payloads)."""

import re
from datetime import UTC, datetime

import pytest

from social.events import InvalidPayload
from social.payloads import (
    describe,
    id_at,
    json_object,
    lenient_id,
    list_at,
    object_at,
    optional_id_at,
    optional_text_at,
    required_key_id,
    text_at,
    time_at,
)

DIGITS = re.compile(r"\d{1,25}")


def refusal(check, *args, **kwargs) -> str:
    with pytest.raises(InvalidPayload) as error:
        check(*args, **kwargs)
    return str(error.value)


def test_it_names_the_place_and_what_was_there():
    assert refusal(object_at, None, "entry[0].from") == "entry[0].from must be an object, not missing."
    assert refusal(list_at, {"a": 1}, "data") == 'data must be a list, not dict {"a": 1}.'
    assert refusal(text_at, 42, "payload.text") == "payload.text must be a string, not int 42."
    assert describe("x" * 100) == 'str "' + "x" * 39


def test_values_of_the_right_shape_come_back_as_they_are():
    value = {"a": [1]}
    assert object_at(value, "v") is value and list_at(value["a"], "v.a") == [1]
    assert text_at("", "t") == "" and optional_text_at(None, "t") == "" and optional_text_at("hi", "t") == "hi"


def test_a_body_must_be_one_json_object():
    assert json_object(b'{"object": "page"}') == {"object": "page"}
    assert refusal(json_object, b"[1]") == "The body must be a JSON object."
    assert refusal(json_object, b"\xff").startswith("Malformed JSON: ")
    assert refusal(json_object, b'{"a": ').startswith("Malformed JSON: ")


def test_ids_are_strings_or_numbers_never_booleans():
    assert id_at(123, "id") == "123" and id_at(" 55_66 ", "id") == "55_66"
    assert refusal(id_at, True, "entry[0].id") == "entry[0].id must be an id, not bool true."
    assert refusal(id_at, "", "id") == 'id must be an id, not str "".'
    assert optional_id_at(None, "id") == optional_id_at("  ", "id") == ""
    assert refusal(optional_id_at, {"x": 1}, "entry[0].id").startswith("entry[0].id must be an id")


def test_a_pattern_says_exactly_what_an_id_is():
    assert id_at("1234", "id", pattern=DIGITS, what="an X id (digits)") == "1234"
    assert refusal(id_at, "me", "filter.user_id", pattern=DIGITS, what="an X id (digits)") == (
        'filter.user_id must be an X id (digits), not str "me".'
    )
    assert refusal(id_at, " 12", "id", pattern=DIGITS).startswith("id must be an id")  # no spaces forgiven
    assert lenient_id("12", pattern=DIGITS) == "12" and lenient_id("x", pattern=DIGITS) == lenient_id(None) == ""


def test_a_required_key_says_it_is_missing():
    assert required_key_id({"post_id": 5}, "post_id", where="entry[0]") == "5"
    assert refusal(required_key_id, {"post_id": ""}, "post_id", where="entry[0]") == "entry[0] has no 'post_id'."


@pytest.mark.parametrize(
    ("value", "options", "expected"),
    [
        (1700000000, {}, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("1700000000000", {"epoch_unit": 1000}, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("2023-11-14T22:13:20.000Z", {}, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("2023-11-14T22:13:20+0000", {}, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("Tue Nov 14 22:13:20 +0000 2023", {}, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("2023-11-14T22:13:20", {"naive_is_utc": True}, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        (None, {}, None),
        ("", {}, None),
    ],
)
def test_times_in_every_form_the_platforms_send(value, options, expected):
    assert time_at(value, "created_at", **options) == expected


@pytest.mark.parametrize("value", ["yesterday", "2023-11-14T22:13:20", True, [1], 10**20])
def test_what_is_not_a_time_is_refused(value):
    assert refusal(time_at, value, "created_at").startswith("created_at is not a time: ")
