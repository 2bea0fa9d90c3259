"""Reading what a platform sent: the shape checks every inbound parser makes.

A platform's payload is JSON from a stranger. Each value is read through one of these, with
`where` saying where in the payload it is (`"entry[0].changes[1].value"`), so anything that is
not what the platform sends raises `InvalidPayload` with a sentence naming the place and what
was there (the webhook answers 400 with it, and stores nothing). Each platform's `inbound`
module reads its own payloads with these; none of them writes a shape check of its own.
"""

import json
import re
from datetime import UTC, datetime
from typing import Any

from django.utils.dateparse import parse_datetime

from .events import InvalidPayload

# Twitter API v1.1's time format ("Wed Oct 10 20:19:24 +0000 2018"), still in its webhooks.
_CTIME_WITH_OFFSET = "%a %b %d %H:%M:%S %z %Y"


def describe(value: Any) -> str:
    """What was there instead, short: `missing`, `str "abc"`, `list [1, 2]`."""
    if value is None:
        return "missing"
    return f"{type(value).__name__} {json.dumps(value, default=str)[:40]}"


# No platform nests a delivery more than about ten deep; anything far deeper is an attack, and
# would exhaust the stack of whatever walks it next (json.dumps when it is stored).
MAX_DEPTH = 64


def json_object(body: bytes) -> dict:
    """A delivery's body, which must be one JSON object, nested at most MAX_DEPTH deep."""
    try:
        payload = json.loads(body)
    except RecursionError:  # thousands deep: the parser gives up quickly
        raise InvalidPayload(f"JSON nested more than {MAX_DEPTH} deep.") from None
    except ValueError as error:  # malformed, not UTF-8, or an integer of thousands of digits
        raise InvalidPayload(f"Malformed JSON: {error}.") from None
    if not isinstance(payload, dict):
        raise InvalidPayload("The body must be a JSON object.")
    # Fewer brackets than the limit cannot nest past it: most deliveries need no walk.
    if body.count(b"{") + body.count(b"[") > MAX_DEPTH and _deeper_than(payload, MAX_DEPTH):
        raise InvalidPayload(f"JSON nested more than {MAX_DEPTH} deep.")
    return payload


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether containers nest more than `limit` deep; iterative, so depth costs no stack."""
    pending = [(value, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            pending.extend((item, depth + 1) for item in value.values() if isinstance(item, dict | list))
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value if isinstance(item, dict | list))
    return False


def object_at(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise InvalidPayload(f"{where} must be an object, not {describe(value)}.")
    return value


def list_at(value: Any, where: str) -> list:
    if not isinstance(value, list):
        raise InvalidPayload(f"{where} must be a list, not {describe(value)}.")
    return value


def text_at(value: Any, where: str) -> str:
    """A string that must be there (it may be empty)."""
    if not isinstance(value, str):
        raise InvalidPayload(f"{where} must be a string, not {describe(value)}.")
    return value


def optional_text_at(value: Any, where: str) -> str:
    """A string, or nothing ("")."""
    return text_at(value, where) if value is not None else ""


def _as_id(value: Any, pattern: re.Pattern | None) -> str:
    """Ids come as strings or as numbers (never as booleans); "" for anything else. With a
    `pattern`, the id is exactly what it matches; without one, spaces around it are dropped."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return ""
    if pattern is None:
        return value.strip()
    return value if pattern.fullmatch(value) else ""


def id_at(value: Any, where: str, *, pattern: re.Pattern | None = None, what: str = "an id") -> str:
    """A required id: a non-empty string or a number, matching `pattern` if one is given
    (X's ids are digits). `what` names it in the error ("an X id (digits)")."""
    found = _as_id(value, pattern)
    if not found:
        raise InvalidPayload(f"{where} must be {what}, not {describe(value)}.")
    return found


def optional_id_at(value: Any, where: str, *, pattern: re.Pattern | None = None, what: str = "an id") -> str:
    """An id that may be absent or blank (""); anything else that is not an id is refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    return id_at(value, where, pattern=pattern, what=what)


def lenient_id(value: Any, *, pattern: re.Pattern | None = None) -> str:
    """An id where one is merely hoped for (a reference that may be anything): "" unless it is one."""
    return _as_id(value, pattern)


def required_key_id(data: dict, key: str, *, where: str) -> str:
    """`data[key]`, an id that must be there: `"<where> has no 'post_id'."` otherwise."""
    found = optional_id_at(data.get(key), f"{where}.{key}")
    if not found:
        raise InvalidPayload(f"{where} has no {key!r}.")
    return found


def time_at(value: Any, where: str, *, epoch_unit: int = 1, naive_is_utc: bool = False) -> datetime | None:
    """A moment, None when absent. Numbers (and digit strings) count `epoch_unit`ths of a
    second since 1970 (1: seconds, 1000: milliseconds); text is ISO 8601 or Twitter's v1.1
    format. A time without an offset is refused, unless the platform documents it as UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidPayload(f"{where} is not a time: {value!r}.")
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        try:
            return datetime.fromtimestamp(float(value) / epoch_unit, tz=UTC)
        except (OverflowError, ValueError, OSError) as error:
            raise InvalidPayload(f"{where} is not a time: {value!r}.") from error
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            try:
                parsed = datetime.strptime(value, _CTIME_WITH_OFFSET)
            except ValueError:
                parsed = None
        if parsed is not None and parsed.tzinfo is None and naive_is_utc:
            parsed = parsed.replace(tzinfo=UTC)
        if parsed is not None and parsed.tzinfo is not None:
            return parsed
    raise InvalidPayload(f"{where} is not a time: {value!r}.")
