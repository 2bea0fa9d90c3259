"""Similar incidents on real duplicate bug reports: mean reciprocal rank and recall at 5.

    .venv/bin/python bench/bench_similarity.py            # the shipped scorer, and the TF-IDF baseline
    .venv/bin/python bench/bench_similarity.py --tune     # + the grid the shipped constants came from

`../shared/data/gitbugs-seamonkey`: 1,076 SeaMonkey bug reports, and the pairs its maintainers
closed as duplicates of each other. Each report with a duplicate among the others is a query:
every other report is ranked by the production scorer (`intelligence.similarity.scorer`, the
functions the index and the lookups call), and the rank of its first true duplicate is kept.
The report's duplicate is hidden among all 1,075 others; nothing else is held out.

The candidates are generated as the live index does (each report listed under its heaviest
terms, the query's heaviest terms looked up, then exact rescoring of the best), so a duplicate
the inverted index would not have proposed counts as not found: the figure is the live one.
The baseline is plain TF-IDF (raw counts, smoothed IDF, cosine) over summary + description.
"""

import argparse
import csv
import itertools
import math
import os
import sys
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intelligence.candidates import grouping
from intelligence.similarity import scorer

SHARED_DATA = Path(
    os.environ.get("SERVICEDESK_SHARED_DATA", Path(__file__).resolve().parent.parent.parent / "shared" / "data")
)
DEFAULT_DATA = SHARED_DATA / "gitbugs-seamonkey"


def same_fault_groups(folder: Path) -> dict[str, str]:
    """Each report's group of the same fault: the duplicate links closed transitively, through
    reports outside the corpus too (two reports closed as duplicates of a third are one fault)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    with open(folder / "SeaMonkey_bugs-combined.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for other in (part.strip() for part in row["Duplicate id"].split(",")):
                parent[find(other)] = find(row["Issue id"])
    return {x: find(x) for x in parent}


def read_reports(folder: Path) -> tuple[dict[str, dict], list[tuple[str, set[str]]]]:
    """The reports by id, and the queries: (report id, ids of its duplicates among the reports)."""
    with open(folder / "SeaMonkey_bugs.csv", newline="", encoding="utf-8") as handle:
        reports = {row["Issue id"]: row for row in csv.DictReader(handle)}
    duplicates: dict[str, set[str]] = defaultdict(set)
    with open(folder / "SeaMonkey_bugs-combined.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for other in (part.strip() for part in row["Duplicate id"].split(",")):
                duplicates[row["Issue id"]].add(other)
                duplicates[other].add(row["Issue id"])
    queries = []
    for report, others in sorted(duplicates.items()):
        present = {o for o in others if o in reports and o != report}
        if report in reports and present:
            queries.append((report, present))
    return reports, queries


def profiles(reports: dict[str, dict]) -> tuple[dict[str, scorer.Profile], dict[str, scorer.Vector]]:
    """Each report as the index would store it: counts, document frequencies, weights."""
    title_counts = {i: scorer.title_terms(r["Summary"]) for i, r in reports.items()}
    full_counts = {i: scorer.full_terms(r["Summary"], r["Description"]) for i, r in reports.items()}
    frequency: Counter = Counter()
    for i in reports:
        frequency.update(scorer.document_terms([title_counts[i], full_counts[i]]))
    documents = len(reports)
    found, fulls = {}, {}
    for i, r in reports.items():
        title = scorer.weigh(title_counts[i], frequency=frequency.__getitem__, documents=documents)
        full = scorer.weigh(full_counts[i], frequency=frequency.__getitem__, documents=documents)
        day = datetime.fromisoformat(r["Created"]).timestamp() / 86400
        found[i] = scorer.Profile(title.as_dict(), full.as_dict(), day)
        fulls[i] = full
    return found, fulls


def evaluate_ranking(queries, rank_of) -> tuple[float, float]:
    reciprocal, within_5 = 0.0, 0
    for query, duplicates in queries:
        rank = rank_of(query, duplicates)
        if rank:
            reciprocal += 1 / rank
            within_5 += rank <= 5
    return reciprocal / len(queries), within_5 / len(queries)


def shipped(reports, queries) -> tuple[float, float]:
    found, fulls = profiles(reports)
    postings: dict[int, list[tuple[float, str]]] = defaultdict(list)
    for i, full in fulls.items():
        for term, weight in scorer.posting_terms(full):
            postings[term].append((weight, i))
    for listed in postings.values():
        listed.sort(reverse=True)

    def rank_of(query, duplicates):
        candidates = scorer.rank_candidates(
            query_terms=scorer.posting_terms(fulls[query]),
            postings=lambda term: [(i, w) for w, i in postings.get(term, ())],
            exclude=query,
        )
        ranked = sorted(((scorer.score(found[query], found[c]), c) for c in candidates), reverse=True)
        return next((k for k, (_, c) in enumerate(ranked, 1) if c in duplicates), None)

    return evaluate_ranking(queries, rank_of)


def baseline(reports, queries) -> tuple[float, float]:
    """Plain TF-IDF over summary + description, every report scored (no index)."""
    tokens = {i: Counter(w for w in _plain_words(r["Summary"] + " " + r["Description"])) for i, r in reports.items()}
    frequency: Counter = Counter()
    for counts in tokens.values():
        frequency.update(counts.keys())
    n = len(tokens)
    vectors = {}
    for i, counts in tokens.items():
        raw = {t: c * (math.log((1 + n) / (1 + frequency[t])) + 1) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
        vectors[i] = {t: v / norm for t, v in raw.items()}

    def rank_of(query, duplicates):
        ranked = sorted(((scorer.cosine(vectors[query], v), i) for i, v in vectors.items() if i != query), reverse=True)
        return next(k for k, (_, i) in enumerate(ranked, 1) if i in duplicates)

    return evaluate_ranking(queries, rank_of)


def _plain_words(text: str) -> list[str]:
    """scikit-learn's default token pattern with English stop words, as the usual baseline."""
    import re

    return [w for w in re.findall(r"(?u)\b\w\w+\b", text.lower()) if w not in scorer.STOP_WORDS]


def tune(reports, queries) -> None:
    """The grid the shipped constants came from: each combination's MRR and recall@5."""
    grid = itertools.product((0.15, 0.25, 0.35), (300, 600, 1200), (0.0, 0.3, 0.5), (30.0, 90.0, 180.0))
    results = []
    for title_weight, chars, boost, days in grid:
        if boost == 0.0 and days != 90.0:
            continue
        scorer.TITLE_WEIGHT, scorer.DESCRIPTION_CHARS = title_weight, chars
        scorer.RECENCY_BOOST, scorer.RECENCY_DAYS = boost, days
        mrr, recall = shipped(reports, queries)
        results.append((mrr, recall, title_weight, chars, boost, days))
        print(
            f"  title {title_weight:.2f} chars {chars:5d} boost {boost:.1f} days {days:5.0f}:"
            f" MRR {mrr:.3f} R@5 {recall:.3f}"
        )
    best = max(results)
    print(f"best: title {best[2]} chars {best[3]} boost {best[4]} days {best[5]}: MRR {best[0]:.3f} R@5 {best[1]:.3f}")


def candidate_precision(reports, folder: Path) -> None:
    """Pair precision of problem candidates. The labels: reports the maintainers closed as
    duplicates, closed transitively (`same_fault_groups`); a pair is right when both are in one
    group. Over all 1,076 reports unlabelled pairs count as wrong (a floor: most reports were
    never checked against each other); the closed world keeps only the reports that have a
    labelled duplicate among the reports, where a pair across two groups is a real mistake."""
    found, fulls = profiles(reports)
    fault = same_fault_groups(folder)
    ids = {report: n for n, report in enumerate(sorted(reports))}
    by_id = {n: report for report, n in ids.items()}
    members = Counter(fault[r] for r in reports if r in fault)
    labelled_reports = {ids[r] for r in reports if r in fault and members[fault[r]] >= 2}

    def same(a: int, b: int) -> bool:
        ra, rb = by_id[a], by_id[b]
        return ra in fault and rb in fault and fault[ra] == fault[rb]

    edges = grouping.window_edges({ids[r]: p for r, p in found.items()}, {ids[r]: v for r, v in fulls.items()})
    closed_edges = [(a, b, score) for a, b, score in edges if a in labelled_reports and b in labelled_reports]
    true_pairs = sum(n * (n - 1) // 2 for n in members.values() if n >= 2)
    print(
        "pair threshold | all reports: linked pairs, right (a floor) | closed world of the"
        f" {len(labelled_reports)} reports with a labelled duplicate: linked pairs, precision, recall;"
        " groups of 3+, precision of their pairs"
    )
    for threshold in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        above = [(a, b) for a, b, score in edges if score >= threshold]
        right = sum(same(a, b) for a, b in above)
        closed = [(a, b) for a, b, score in closed_edges if score >= threshold]
        closed_right = sum(same(a, b) for a, b in closed)
        found_groups = grouping.groups(closed_edges, threshold=threshold)
        pairs = [(a, b) for group in found_groups for a in group for b in group if a < b]
        good = sum(same(a, b) for a, b in pairs)
        marker = "  <- shipped" if threshold == grouping.PAIR_THRESHOLD else ""
        print(
            f"  {threshold:.1f} | {len(above):5d}, {right / max(len(above), 1):5.1%} |"
            f" {len(closed):3d}, {closed_right / max(len(closed), 1):5.1%}, {closed_right / true_pairs:5.1%};"
            f" {len(found_groups):2d} groups, {len(pairs):3d} pairs, {good / max(len(pairs), 1):5.1%}{marker}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--tune", action="store_true")
    parser.add_argument("--candidates", action="store_true", help="pair precision of problem candidates")
    args = parser.parse_args()
    if not (args.data / "SeaMonkey_bugs.csv").exists():
        sys.exit(f"{args.data} is not there: it is the shared data (../shared/data/gitbugs-seamonkey).")
    reports, queries = read_reports(args.data)
    print(f"{len(reports)} reports, {len(queries)} with a duplicate among them")
    mrr, recall = shipped(reports, queries)
    print(f"shipped scorer : MRR {mrr:.3f}  recall@5 {recall:.3f}")
    mrr, recall = baseline(reports, queries)
    print(f"TF-IDF baseline: MRR {mrr:.3f}  recall@5 {recall:.3f}")
    if args.candidates:
        candidate_precision(reports, args.data)
    if args.tune:
        tune(reports, queries)


if __name__ == "__main__":
    main()
