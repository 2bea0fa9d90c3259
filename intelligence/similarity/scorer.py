"""How alike two incidents are: the words, weighted, and how close in time.

Pure Python, no database: the index (`intelligence.similarity.index`), the lookups
(`intelligence.similarity.selectors`) and `bench/bench_similarity.py` all call these same
functions, so the figures the bench prints are the figures production gets.

An incident is two sparse vectors over hashed terms (a 32-bit hash of the word, so no
vocabulary table has to be kept or grown):

- the *title* vector: the title's words and adjacent word pairs;
- the *full* vector: title and the start of the description, single words.

Weights are TF-IDF (sublinear term frequency × smoothed inverse document frequency, then
L2-normalised), the IDF read from the corpus's document frequencies when the incident is
indexed. Two incidents score a weighted sum of the two cosines, raised for incidents filed
close together in time (duplicates of one fault arrive together). Every constant here was
tuned on real duplicate bug reports (`bench/bench_similarity.py --tune`; docs/performance.md).
"""

import heapq
import itertools
import math
import re
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

# Tuned on gitbugs-seamonkey (see the module docstring).
TITLE_WEIGHT = 0.25  # the share of the score the title cosine carries; the full text has the rest
DESCRIPTION_CHARS = 600  # the start of a description says what is wrong; the rest is logs and detail
RECENCY_BOOST = 0.5  # a pair filed at the same moment scores up to 1.5 × its text similarity…
RECENCY_DAYS = 90.0  # …fading with this time constant (e^-days/τ)
POSTING_TERMS = 16  # an incident is listed under its this-many heaviest terms (the inverted index)
POSTINGS_PER_TERM = 300  # a lookup reads at most this many incidents per term, heaviest first
CANDIDATES = 200  # and rescores exactly this many, the best by their partial dot product

# Words that say nothing about what is wrong, and the boilerplate of forms and bug templates.
STOP_WORDS = frozenset(
    """a about above after again all also am an and any are as at be been before being below between both
    but by can cannot could did do does doing done down during each even ever few for from further get gets
    got had has have having he her here hers him his how i if in into is it its itself just like me more most
    my no nor not now of off on once only or other our ours out over own same she should so some still such
    than that the their theirs them then there these they this those through to too under until up upon us
    very was we were what when where which while who whom why will with would you your yours
    hi hello hey please thanks thank regards dear anyone someone something anything everything again
    com org net www http https html htm""".split()  # noqa: SIM905 (a word list reads better as text)
)
_BOILERPLATE = re.compile(
    r"user agent:[^\n]*|build id:[^\n]*|mozilla/5\.0[^\n]*|steps to reproduce:|actual results:|expected results:",
    re.IGNORECASE,
)
_CHUNK = re.compile(r"\S+")
_WORD = re.compile(r"[a-z0-9]+")
_COMPOUND = re.compile(r"[a-z0-9][a-z0-9._-]*[a-z0-9]")
_SUFFIXES = ("ings", "ing", "ed", "es", "s", "ly")


def stem(word: str) -> str:
    """A light suffix strip (crashes, crashed, crashing → crash): enough to meet, cheap to run."""
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    """The words that carry meaning, in order. "dict.leo.org" gives dict, leo and the whole name
    (so it meets "leo.org" and itself); "right-click" gives right, click and right-click.
    An @handle is skipped: every mention names the desk's account, and whom a post names says
    nothing of what it is about."""
    found: list[str] = []
    for chunk in _CHUNK.findall(_BOILERPLATE.sub(" ", text.lower())):
        if chunk.startswith("@"):
            continue
        parts = [stem(p) for p in _WORD.findall(chunk) if len(p) > 1 and not p.isdigit() and p not in STOP_WORDS]
        found.extend(parts)
        if len(parts) > 1:
            whole = _COMPOUND.search(chunk)
            if whole:
                found.append(whole.group())
    return found


def term_id(term: str) -> int:
    """A term's 32-bit id (signed, as PostgreSQL's integer). Collisions are rare enough to ignore."""
    value = zlib.crc32(term.encode())
    return value - (1 << 32) if value >= 1 << 31 else value


def title_terms(title: str) -> Counter:
    found = words(title)
    return Counter(term_id(t) for t in [*found, *(f"{a} {b}" for a, b in itertools.pairwise(found))])


def full_terms(title: str, description: str) -> Counter:
    return Counter(term_id(t) for t in words(f"{title}\n{description[:DESCRIPTION_CHARS]}"))


@dataclass(frozen=True)
class Vector:
    """A sparse L2-normalised vector: term ids and their weights, heaviest first."""

    terms: tuple[int, ...]
    weights: tuple[float, ...]

    def as_dict(self) -> dict[int, float]:
        return dict(zip(self.terms, self.weights, strict=True))

    def top(self, count: int) -> list[tuple[int, float]]:
        return list(zip(self.terms[:count], self.weights[:count], strict=False))

    def pack(self) -> bytes:
        """Terms (int32) then weights (float32): 8 bytes a term, read back by `Vector.unpack`."""
        return array("i", self.terms).tobytes() + array("f", self.weights).tobytes()

    @classmethod
    def unpack(cls, data: bytes) -> "Vector":
        half = len(data) // 2
        terms, weights = array("i"), array("f")
        terms.frombytes(bytes(data[:half]))
        weights.frombytes(bytes(data[half:]))
        return cls(tuple(terms), tuple(weights))


EMPTY = Vector((), ())


def idf(document_frequency: int, documents: int) -> float:
    """Smoothed IDF (as scikit-learn's): a term in every document still weighs a little."""
    return math.log((1 + documents) / (1 + document_frequency)) + 1.0


def weigh(counts: Mapping[int, int], *, frequency: Callable[[int], int], documents: int) -> Vector:
    """TF-IDF with sublinear TF, L2-normalised, heaviest first (ties by term, so it is stable)."""
    raw = {t: (1.0 + math.log(c)) * idf(frequency(t), documents) for t, c in counts.items() if c > 0}
    norm = math.sqrt(sum(w * w for w in raw.values()))
    if not norm:
        return EMPTY
    ordered = sorted(raw.items(), key=lambda item: (-item[1], item[0]))
    return Vector(tuple(t for t, _ in ordered), tuple(w / norm for _, w in ordered))


def cosine(a: Mapping[int, float], b: Mapping[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


@dataclass(frozen=True)
class Profile:
    """What the scorer compares: an incident's two vectors (as dicts) and when it was filed."""

    title: Mapping[int, float]
    full: Mapping[int, float]
    day: float  # the filing time in days (any epoch, the same for all)


def score(a: Profile, b: Profile) -> float:
    text = TITLE_WEIGHT * cosine(a.title, b.title) + (1 - TITLE_WEIGHT) * cosine(a.full, b.full)
    return text * (1.0 + RECENCY_BOOST * math.exp(-abs(a.day - b.day) / RECENCY_DAYS))


def posting_terms(full: Vector) -> list[tuple[int, float]]:
    """The terms an incident is listed under in the inverted index, with their weights."""
    return full.top(POSTING_TERMS)


def document_terms(counts: Iterable[Counter]) -> set[int]:
    """Each term once, for document frequencies: a document counts once per term."""
    found: set[int] = set()
    for counter in counts:
        found.update(counter)
    return found


def rank_candidates(
    *,
    query_terms: list[tuple[int, float]],
    postings: Callable[[int], Iterable[tuple[object, float]]],
    exclude: object = None,
) -> list:
    """Candidate generation, as the PostgreSQL lookup does it in one statement: for each of the
    query's heaviest terms, the incidents listed under it (heaviest first, `POSTINGS_PER_TERM` at
    most); each accumulates query weight × its weight; the best `CANDIDATES` go on to be rescored."""
    partial: dict = {}
    for term, weight in query_terms:
        for key, listed_weight in itertools.islice(postings(term), POSTINGS_PER_TERM):
            if key != exclude:
                partial[key] = partial.get(key, 0.0) + weight * listed_weight
    return [key for key, _ in heapq.nlargest(CANDIDATES, partial.items(), key=lambda item: item[1])]


# Occurs in every indexed incident: its document frequency is the number of incidents indexed.
DOCUMENTS_TERM = term_id("\x00documents")
