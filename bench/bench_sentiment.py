"""The sentiment model against VADER on TweetEval's 14,284 labelled tweets, and its speed.

    .venv/bin/python bench/bench_sentiment.py             # 5-fold cross-validation + speed
    .venv/bin/python bench/bench_sentiment.py --folds 10

Quality is measured by stratified k-fold cross-validation of the training recipe
(`feedback.ml.train_sentiment.train`): each fold's model is trained on the other folds and
scored on the tweets it never saw, so no figure comes from the data a model learnt from (the
shipped model, trained on all of them, is never scored here). VADER (vaderSentiment, ±0.05
thresholds, as the desk used before) is scored on the same tweets.

Targets (issue 11): macro-averaged recall ≥ 0.67, negative tweets scored positive ≤ 10 %,
≥ 5,000 messages/s on one core. Speed is the shipped model scoring every tweet in batches of
500 on one thread, as CPU time of this process (a busy machine slows the wall clock, not
the work); wall-clock figures are printed beside.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, recall_score
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from feedback.ml.features import normalise, vader, vader_scores
from feedback.ml.model import LABELS, SentimentModel, label_of
from feedback.ml.train_sentiment import DEFAULT_DATA, load_tweeteval, train

TARGET_MACRO_RECALL = 0.67
TARGET_NEGATIVE_AS_POSITIVE = 0.10
TARGET_MESSAGES_PER_SECOND = 5000
BATCH = 500
NEGATIVE, NEUTRAL, POSITIVE = range(3)


def vader_labels(texts: list[str]) -> np.ndarray:
    compound = vader_scores([normalise(text) for text in texts])[:, 0]
    return np.where(compound >= 0.05, POSITIVE, np.where(compound <= -0.05, NEGATIVE, NEUTRAL))


def figures(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    recalls = recall_score(truth, predicted, average=None, labels=[0, 1, 2])
    negatives = truth == NEGATIVE
    return {
        "macro recall": float(recalls.mean()),
        "macro F1": float(f1_score(truth, predicted, average="macro")),
        "accuracy": float((truth == predicted).mean()),
        **{f"recall {LABELS[index]}": float(recalls[index]) for index in range(3)},
        "negative scored positive": float((predicted[negatives] == POSITIVE).mean()),
        "positive scored negative": float((predicted[truth == POSITIVE] == NEGATIVE).mean()),
    }


def cross_validate(texts: list[str], labels: np.ndarray, folds: int) -> np.ndarray:
    predicted = np.zeros_like(labels)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    for number, (train_rows, test_rows) in enumerate(splitter.split(texts, labels), start=1):
        started = time.process_time()
        model = train([texts[i] for i in train_rows], labels[train_rows])
        probabilities, _ = model.predict([texts[i] for i in test_rows])
        predicted[test_rows] = label_of(probabilities)
        print(f"  fold {number}/{folds}: trained and scored in {time.process_time() - started:.1f} s CPU", flush=True)
    return predicted


def speed(texts: list[str], score_batch) -> tuple[float, float]:
    """Messages per second of CPU time and of wall time, over every text in batches."""
    cpu, wall = time.process_time(), time.perf_counter()
    for start in range(0, len(texts), BATCH):
        score_batch(texts[start : start + BATCH])
    return len(texts) / (time.process_time() - cpu), len(texts) / (time.perf_counter() - wall)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    if not (args.data / "mapping.txt").exists():
        print(f"No TweetEval sentiment data in {args.data}: nothing to measure.", file=sys.stderr)
        return 2
    texts, labels = load_tweeteval(args.data)
    print(f"TweetEval sentiment: {len(texts):,} tweets, {np.bincount(labels).tolist()} negative/neutral/positive")
    print(f"Cross-validating the model ({args.folds} folds, stratified, seed 0)…", flush=True)
    with threadpool_limits(limits=1):
        model_predicted = cross_validate(texts, labels, args.folds)
    vader_predicted = vader_labels(texts)
    ours, theirs = figures(labels, model_predicted), figures(labels, vader_predicted)
    print(f"\n{'':28}{'model':>10}{'VADER':>10}")
    for name in ours:
        print(f"{name:28}{ours[name]:>10.3f}{theirs[name]:>10.3f}")
    print("\nConfusion (rows: truth negative/neutral/positive; columns: predicted), model:")
    print(confusion_matrix(labels, model_predicted))

    shipped = SentimentModel.load()
    vader()  # built outside the timing, as in a worker that has scored before
    with threadpool_limits(limits=1):
        shipped.predict(texts[:BATCH])  # warm
        model_cpu, model_wall = speed(texts, shipped.predict)
        vader_cpu, vader_wall = speed(texts, lambda batch: [vader().polarity_scores(normalise(t)) for t in batch])
    print(f"\nSpeed on one thread, batches of {BATCH} (shipped model {shipped.version}):")
    print(f"  model: {model_cpu:,.0f} messages/s of CPU time ({model_wall:,.0f}/s wall clock)")
    print(f"  VADER: {vader_cpu:,.0f} messages/s of CPU time ({vader_wall:,.0f}/s wall clock)")

    checks = [
        ("macro recall", ours["macro recall"] >= TARGET_MACRO_RECALL, f"≥ {TARGET_MACRO_RECALL}"),
        (
            "negative scored positive",
            ours["negative scored positive"] <= TARGET_NEGATIVE_AS_POSITIVE,
            f"≤ {TARGET_NEGATIVE_AS_POSITIVE}",
        ),
        ("messages/s (CPU)", model_cpu >= TARGET_MESSAGES_PER_SECOND, f"≥ {TARGET_MESSAGES_PER_SECOND:,}"),
    ]
    print()
    for name, met, target in checks:
        print(f"target {name} {target}: {'met' if met else 'MISSED'}")
    return 0 if all(met for _, met, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
