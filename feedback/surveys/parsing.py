"""Reading a survey answer as people write it.

    >>> parse_answer("4 - thanks")
    ParsedAnswer(rating=4, comment='thanks', problem_back=False)

Understood: a number from 1 to 5 (`5`, `5/5`, `4 - thanks`, "1, useless", "thanks, 5"), out of
ten (`10/10`, `7 out of 10`: halved, rounded up), in words (`five`, "four stars"), as stars
(`⭐⭐⭐⭐`, `★★★☆☆`: the filled ones), and thumbs (`👍` 5, `👎` 1). A number counts only where
an answer puts it, at the start or the end, or with its scale ("3/5" anywhere): "it took 3
days to fix" has no rating. @handles, links and HTML entities are not part of the answer.
Text without a score is kept as a comment. `problem_back` says
the answer reports the problem is back, which follows the reopen rules instead.
"""

import html
import re
import unicodedata
from dataclasses import dataclass

from ..ml.features import HANDLE, URL

WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
NUMBER = r"(\d{1,2}(?:[.,]5)?|" + "|".join(WORDS) + r")"
# "4/5", "4 / 5", "4 out of 5", "8/10", "4 of 5"
WITH_SCALE = re.compile(rf"(?<![\w/]){NUMBER}\s*(?:/|out\s+of|of)\s*(5|10|five|ten)(?![\w/])", re.IGNORECASE)
# A number alone at the start ("4 - thanks", "1, useless", "5!") or at the end ("thanks, 5").
LEADING = re.compile(rf"^\W*?{NUMBER}(?:\s*(?:stars?|points?))?(?=$|[\s\W])", re.IGNORECASE)
TRAILING = re.compile(rf"(?:^|[\s\W]){NUMBER}(?:\s*(?:stars?|points?))?\W*$", re.IGNORECASE)
FILLED_STARS = re.compile(r"[⭐★🌟]")
EMPTY_STARS = re.compile(r"[☆]")
THUMBS_UP = re.compile(r"👍")
THUMBS_DOWN = re.compile(r"👎")
# The answer says the problem is back: a reopen, not a rating.
PROBLEM_BACK = re.compile(
    r"\b(?:(?:is|it's|its|it is|problem's|issue's)\s+back|(?:happening|broken|down|failing|crashing)\s+again"
    r"|(?:still|again)\s+(?:not\s+working|broken|down|failing|happening)|not\s+(?:fixed|resolved|solved)"
    r"|(?:doesn't|does not|didn't|did not|won't|isn't|is not)\s+work(?:ing)?|came\s+back|reopen)\b",
    re.IGNORECASE,
)
SEPARATORS = " \t\n\r-–—,.;:!?/|()[]"


@dataclass(frozen=True)
class ParsedAnswer:
    rating: int | None  # 1 … 5, or None: no score in the answer
    comment: str  # what is left once the score is taken out ("" if nothing)
    problem_back: bool = False


def _value(token: str) -> float:
    token = token.lower().replace(",", ".")
    return float(WORDS[token]) if token in WORDS else float(token)


def _on_five(value: float, scale: int) -> int | None:
    if scale == 10:
        value = value / 2
    if not 0 <= value <= 5:
        return None
    # Halves round up (a 4.5 is nearer great than good; 7/10 → 3.5 → 4), and a 0 is a 1.
    return max(1, min(5, int(value + 0.5)))


def _comment(text: str, span: tuple[int, int] | None = None) -> str:
    if span is not None:
        text = text[: span[0]] + " " + text[span[1] :]
    return re.sub(r"\s+", " ", text).strip(SEPARATORS + " ")


def parse_answer(text: str) -> ParsedAnswer:
    # A reply on X starts with the handles it answers, and may carry links: not the answer.
    text = HANDLE.sub(" ", URL.sub(" ", html.unescape(text or "")))
    text = unicodedata.normalize("NFKC", text).strip()
    # NFKC maps the emoji variation selectors away from nothing: they stay; drop them.
    text = text.replace("\ufe0f", "")
    problem_back = bool(PROBLEM_BACK.search(text))
    rating, span = None, None
    if match := WITH_SCALE.search(text):
        scale = 10 if match.group(2).lower() in ("10", "ten") else 5
        rating, span = _on_five(_value(match.group(1)), scale), match.span()
    elif filled := FILLED_STARS.findall(text):
        rating = max(1, min(5, len(filled)))
        text_without = EMPTY_STARS.sub("", FILLED_STARS.sub("", text))
        return ParsedAnswer(rating, _comment(text_without), problem_back)
    elif THUMBS_UP.search(text) and not THUMBS_DOWN.search(text):
        return ParsedAnswer(5, _comment(THUMBS_UP.sub("", text)), problem_back)
    elif THUMBS_DOWN.search(text) and not THUMBS_UP.search(text):
        return ParsedAnswer(1, _comment(THUMBS_DOWN.sub("", text)), problem_back)
    elif match := LEADING.match(text) or TRAILING.search(text):
        value = _value(match.group(1))
        # Asked for 1 to 5, a 6 to 10 alone is read as out of ten.
        rating = _on_five(value, 10 if value > 5 else 5)
        span = match.span(1) if match.re is LEADING else (match.start(1), len(text))
        if match.re is LEADING:
            span = (0, match.end())
    if rating is None:
        return ParsedAnswer(None, _comment(text), problem_back)
    return ParsedAnswer(rating, _comment(text, span), problem_back)
