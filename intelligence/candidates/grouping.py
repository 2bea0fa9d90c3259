"""Grouping similar incidents into problem candidates (pure Python: production and the bench).

Two incidents are linked when their score reaches `PAIR_THRESHOLD`; a candidate is a connected
group of at least `MIN_MEMBERS`. The threshold was chosen on labelled duplicates for pair
precision (`bench/bench_similarity.py --candidates`; docs/performance.md): a proposal should be
about one thing, and an agent forgives a missed group more easily than a wrong one.
"""

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from ..similarity import scorer

PAIR_THRESHOLD = 0.4
MIN_MEMBERS = 3


def groups(edges: Iterable[tuple[int, int, float]], *, threshold: float = PAIR_THRESHOLD) -> list[set[int]]:
    """Groups of `MIN_MEMBERS` or more around a centre: the incident linked to the most others
    takes them (those not yet in a group), then the next, and so on. Every member is linked to
    its centre: no chains of "a is like b, b is like c" drifting from one fault to another,
    which connected groups suffer from. Largest first."""
    neighbours: dict[int, set[int]] = defaultdict(set)
    for a, b, score in edges:
        if score >= threshold:
            neighbours[a].add(b)
            neighbours[b].add(a)
    taken: set[int] = set()
    found = []
    for centre in sorted(neighbours, key=lambda n: (-len(neighbours[n]), n)):
        if centre in taken:
            continue
        group = {centre} | (neighbours[centre] - taken)
        if len(group) >= MIN_MEMBERS:
            found.append(group)
            taken |= group
    found.sort(key=lambda m: (-len(m), min(m)))
    return found


def signature(member_ids: Iterable[int]) -> str:
    """The same members, the same signature: a dismissed candidate is known again by it."""
    return hashlib.blake2b(",".join(map(str, sorted(member_ids))).encode(), digest_size=16).hexdigest()


def top_terms(texts: list[list[str]], *, frequency: Callable[[str], int], documents: int, count: int = 5) -> list[str]:
    """The words most of the group shares and the desk at large does not: in how many members
    a word occurs, times how rare it is overall."""
    in_members: Counter = Counter()
    for words in texts:
        in_members.update(set(words))
    scored = {
        word: n * math.log((1 + documents) / (1 + frequency(word)))
        for word, n in in_members.items()
        if n >= 2 and " " not in word
    }
    return [w for w, _ in sorted(scored.items(), key=lambda item: (-item[1], item[0]))[:count]]


def window_edges(profiles: dict[int, scorer.Profile], fulls: dict[int, scorer.Vector]) -> list[tuple[int, int, float]]:
    """Every pair of the window that shares one of its heaviest terms, scored exactly."""
    postings: dict[int, list[int]] = defaultdict(list)
    for incident_id, full in fulls.items():
        for term, _ in scorer.posting_terms(full):
            postings[term].append(incident_id)
    edges = []
    for a, full in fulls.items():
        others = {b for term, _ in scorer.posting_terms(full) for b in postings[term] if b > a}
        edges.extend((a, b, scorer.score(profiles[a], profiles[b])) for b in others)
    return edges
