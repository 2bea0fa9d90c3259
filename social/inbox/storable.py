"""Making an inbound event storable, whatever a stranger put in it.

JSON allows, and platforms relay, what PostgreSQL refuses: `\\u0000` (jsonb and text columns
cannot hold NUL), lone surrogates such as `\\ud800` (not Unicode: jsonb refuses the escape,
UTF-8 cannot encode the character), and numbers too large for a float (`1e400`, read as
infinity, which JSON cannot write back). One such event used to fail the INSERT of the whole
delivery: a 500, every good event lost, and the platform's retries failing alike.

`storable(event)` gives the event and its JSON for the `payload` column. An event with nothing
odd in it (nearly all) is dumped once and checked with one regular-expression scan. An odd one
has each such character replaced by U+FFFD (the Unicode replacement character, shown as �)
and each non-finite number by its text, wherever it is (text, names, ids, the raw payload, keys
too), so it is stored and processed like any other; `replaced` names where, and `raw_as_sent`
keeps the platform's raw event as JSON text with every non-ASCII character escaped, which
PostgreSQL stores as it is: the exact characters remain for whoever needs them.
"""

import json
import logging
import math
import re
from dataclasses import fields, replace
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from ..events import ParsedEvent

logger = logging.getLogger(__name__)

REPLACEMENT = "\ufffd"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# In JSON dumped with ensure_ascii=False, NUL is written `\u0000` and a lone surrogate as itself.
# (`\\u0000`, a backslash then "u0000", matches too: such an event only takes the careful path.)
_SUSPECT = re.compile(r"\\u0000|[\ud800-\udfff]")
_PATHS_KEPT = 20  # `replaced` names this many places at most


def payload_json(payload: dict) -> str:
    """The JSON text of a payload, as PostgreSQL's jsonb reads it; ValueError for NaN or infinity."""
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, allow_nan=False)


def storable(event: ParsedEvent) -> tuple[ParsedEvent, str]:
    """`(event, its payload's JSON)`, both storable in PostgreSQL: the event itself when it is
    (nearly always), else a copy with the unstorable parts replaced (see the module)."""
    try:
        text = payload_json(event.to_json())
    except ValueError:  # NaN or infinity somewhere
        text = ""
    if text and not _SUSPECT.search(text):
        return event, text
    replaced: list[str] = []
    changes = {}
    for field in fields(ParsedEvent):
        if field.name in ("replaced", "raw_as_sent"):
            continue
        value = getattr(event, field.name)
        cleaned = _clean(value, field.name, replaced)
        if cleaned is not value:
            changes[field.name] = cleaned
    if not replaced:
        return event, text  # a literal backslash-u0000 in some text: nothing to replace
    fixed = replace(
        event,
        **changes,
        replaced=replaced[:_PATHS_KEPT],
        raw_as_sent=json.dumps(event.raw, ensure_ascii=True, default=str),
    )
    where = ", ".join(fixed.replaced)
    logger.warning("%s event %s: unstorable characters replaced in %s", fixed.channel, fixed.dedup_key, where)
    return fixed, payload_json(fixed.to_json())


def _clean(value: Any, path: str, replaced: list[str]) -> Any:
    """`value` with every unstorable part replaced; `value` itself (the same object) if none."""
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            replaced.append(path)
            return _UNSTORABLE.sub(REPLACEMENT, value)
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            replaced.append(path)
            return str(value)
        return value
    if isinstance(value, dict):
        changed = False
        result = {}
        for key, item in value.items():
            where = f"{path}.{_UNSTORABLE.sub(REPLACEMENT, str(key))}"
            new_key = _clean(key, f"{where} (key)", replaced) if isinstance(key, str) else key
            new_item = _clean(item, where, replaced)
            changed = changed or new_key is not key or new_item is not item
            result[new_key] = new_item
        return result if changed else value
    if isinstance(value, list):
        items = [_clean(item, f"{path}[{index}]", replaced) for index, item in enumerate(value)]
        return items if any(new is not old for new, old in zip(items, value, strict=True)) else value
    return value
