"""How X counts a post, and how a long answer becomes a thread: pure text, no model, no API.

X counts "weighted" characters (twitter-text v3): a link is 23 whatever its length, most
Latin, Greek, Cyrillic and punctuation count 1, everything else (CJK, emoji...) 2. The
registry declares X's length with `weighted_length` (`social.platforms`), and the outbound
splitter cuts threads by it.
"""

import re
import unicodedata

POST_LIMIT = 280
URL_WEIGHT = 23  # every link counts as a t.co link, whatever its length

_URL = re.compile(r"(?:https?://|www\.)\S+?(?=[.,;:!?)\]'\"]*$)", re.IGNORECASE)
_TOKENS = re.compile(r"\S+|\s+")
# Code points X counts as one; everything else (CJK, emoji...) counts as two (twitter-text v3).
_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def weighted_length(text: str) -> int:
    """The length X counts: links as 23, wide characters as 2. Emoji sequences are counted a
    little over (each code point), which only makes thread parts a little shorter."""
    return sum(_token_weight(token) for token in _TOKENS.findall(unicodedata.normalize("NFC", text)))


def _token_weight(token: str) -> int:
    url = _URL.search(token)
    if url:
        return _chars_weight(token[: url.start()]) + URL_WEIGHT + _chars_weight(token[url.end() :])
    return _chars_weight(token)


def _chars_weight(text: str) -> int:
    return sum(1 if any(low <= ord(char) <= high for low, high in _LIGHT_RANGES) else 2 for char in text)


def split_thread(text: str, limit: int = POST_LIMIT) -> list[str]:
    """`text` as one post, or, when longer than `limit`, as a numbered thread ("1/3 ...") cut
    between words (a word longer than a whole post is cut where it must be)."""
    text = unicodedata.normalize("NFC", text.strip())
    if not text:
        return []
    if weighted_length(text) <= limit:
        return [text]
    count = 1
    while True:
        # The numbering takes room; more parts may mean a longer prefix ("10/12 ").
        widest_prefix = f"{count}/{count} "
        parts = _pack(text, limit - len(widest_prefix))
        if len(str(len(parts))) <= len(str(count)):
            return [f"{number}/{len(parts)} {part}" for number, part in enumerate(parts, start=1)]
        count = len(parts)


def _pack(text: str, budget: int) -> list[str]:
    parts: list[str] = []
    current, current_weight, space = "", 0, ""
    for token in _TOKENS.findall(text):
        if token.isspace():
            space = token
            continue
        weight = _token_weight(token)
        if current and current_weight + _token_weight(space) + weight <= budget:
            current += space + token
            current_weight += _token_weight(space) + weight
        else:
            if current:
                parts.append(current)
            current, current_weight = "", 0
            for piece in _cut(token, budget):
                if current:
                    parts.append(current)
                current, current_weight = piece, _token_weight(piece)
        space = ""
    if current:
        parts.append(current)
    return parts


def _cut(word: str, budget: int) -> list[str]:
    if _token_weight(word) <= budget:
        return [word]
    pieces, piece = [], ""
    for char in word:
        if piece and _chars_weight(piece + char) > budget:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece]
