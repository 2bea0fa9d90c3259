"""Bluesky's text rules: lengths in graphemes, facets in UTF-8 bytes, record keys as TIDs.

- A post holds 300 graphemes (what a reader counts as one character: an emoji with its
  modifiers, a letter with its accents) and 3,000 bytes; a longer answer is a thread.
- A facet (a mention, a link) marks a range of the text's UTF-8 bytes, end exclusive.
- A record key of a post is a TID: 13 characters of base32-sortable, a time in microseconds
  and a clock id. The desk derives it from the outbox message, so every attempt to post one
  part uses the same key.
"""

from datetime import datetime

import regex

LIMIT = 300
BYTE_LIMIT = 3000
_GRAPHEME = regex.compile(r"\X")
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def graphemes(text: str) -> int:
    return len(_GRAPHEME.findall(text))


def split_thread(text: str, *, limit: int = LIMIT) -> list[str]:
    """`text` in posts of at most `limit` graphemes, cut between words where it can, each part
    numbered ("1/3 ") when there is more than one."""
    text = text.strip()
    if graphemes(text) <= limit and len(text.encode()) <= BYTE_LIMIT:
        return [text]
    # Room for the "n/N " prefix: 99 parts at most in practice.
    room = limit - len("99/99 ")
    parts, current = [], ""
    for word in regex.split(r"(?<=\s)", text):
        candidate = current + word
        if graphemes(candidate) <= room:
            current = candidate
            continue
        if current.strip():
            parts.append(current.strip())
        while graphemes(word) > room:  # a word longer than a post: cut it
            pieces = _GRAPHEME.findall(word)
            parts.append("".join(pieces[:room]))
            word = "".join(pieces[room:])
        current = word
    if current.strip():
        parts.append(current.strip())
    return [f"{index}/{len(parts)} {part}" for index, part in enumerate(parts, start=1)]


def tid(moment: datetime, *, clock_id: int) -> str:
    """The TID of `moment` (microseconds since 1970) and `clock_id` (0-1023)."""
    value = (int(moment.timestamp() * 1_000_000) << 10) | (clock_id & 0x3FF)
    value &= (1 << 63) - 1  # the top bit is always 0
    characters = []
    for _ in range(13):
        characters.append(_TID_ALPHABET[value & 0x1F])
        value >>= 5
    return "".join(reversed(characters))


def expand_links(text: str, facets: list) -> str:
    """The text with each link shown whole: clients shorten a link's text
    ("www.youtube.com/watch?v=Zyyn...") and keep the URL in its facet."""
    data = text.encode()
    replacements = []
    for facet in facets if isinstance(facets, list) else []:
        if not isinstance(facet, dict) or not isinstance(facet.get("index"), dict):
            continue
        start, end = facet["index"].get("byteStart"), facet["index"].get("byteEnd")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(data)):
            continue
        for feature in facet.get("features") or []:
            uri = feature.get("uri") if isinstance(feature, dict) else None
            if isinstance(uri, str) and uri.startswith(("https://", "http://")):
                replacements.append((start, end, uri.encode()))
    for start, end, uri in sorted(replacements, reverse=True):
        if all(e <= start or s >= end for s, e, _ in replacements if (s, e) != (start, end)):
            data = data[:start] + uri + data[end:]
    return data.decode(errors="replace")


def mention_facet(text: str, handle: str, did: str) -> dict | None:
    """The facet making the first "@handle" of `text` a mention of `did`."""
    needle = f"@{handle}".encode()
    data = text.encode()
    start = data.find(needle)
    if start < 0 or not did:
        return None
    return {
        "$type": "app.bsky.richtext.facet",
        "index": {"byteStart": start, "byteEnd": start + len(needle)},
        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
    }
