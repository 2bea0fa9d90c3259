"""Train the desk's sentiment model from TweetEval's labelled tweets and write it next to
this file (the model the project ships):

    python -m feedback.ml.train_sentiment [--data ../shared/data/tweeteval-sentiment] [--out PATH]

Deterministic: hashed features, a fixed solver on one thread, the data in file order. The
same data and library versions give the same arrays (tests/feedback/ml checks the shipped
file against a rebuild when ../shared is there). `bench/bench_sentiment.py` measures the
same recipe by cross-validation.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from .features import normalise, term_counts, vader_scores
from .model import LABELS, MODEL_PATH, SentimentModel

# The shared data lives beside the repository (../shared/data); SERVICEDESK_SHARED_DATA moves it.
SHARED_DATA = Path(os.environ.get("SERVICEDESK_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
DEFAULT_DATA = SHARED_DATA / "tweeteval-sentiment"
SPLITS = ("test", "val")  # TweetEval's train split is not in ../shared: its test and val (14,284 tweets) are.
MIN_MESSAGES = 2  # an n-gram seen in one training message only is noise
REGULARISATION_C = 2.0


def load_tweeteval(folder: Path) -> tuple[list[str], np.ndarray]:
    """The tweets and their labels (0 negative, 1 neutral, 2 positive), in file order."""
    mapping = dict(line.split("\t") for line in (folder / "mapping.txt").read_text().split("\n") if line)
    if [mapping[str(index)] for index in range(3)] != list(LABELS):
        raise ValueError(f"{folder / 'mapping.txt'} does not map 0, 1, 2 to {LABELS}")
    texts: list[str] = []
    labels: list[int] = []
    for split in SPLITS:
        # One tweet a line; split on "\n" only (str.splitlines would also split on U+2028 inside a tweet).
        split_texts = (folder / f"{split}_text.txt").read_text(encoding="utf-8").removesuffix("\n").split("\n")
        split_labels = (folder / f"{split}_labels.txt").read_text().split()
        if len(split_texts) != len(split_labels):
            raise ValueError(f"{split}: {len(split_texts)} tweets for {len(split_labels)} labels")
        texts += [text.strip() for text in split_texts]
        labels += [int(label) for label in split_labels]
    return texts, np.array(labels, dtype=np.int64)


def train(texts: list[str], labels: np.ndarray, *, c: float = REGULARISATION_C) -> SentimentModel:
    """Fit the model on `texts` and their labels."""
    normalised = [normalise(text) for text in texts]
    counts = term_counts(normalised)
    counts.sum_duplicates()
    messages_with = np.bincount(counts.indices, minlength=counts.shape[1])
    columns = np.flatnonzero(messages_with >= MIN_MESSAGES).astype(np.int64)
    idf = (np.log((1 + len(texts)) / (1 + messages_with[columns])) + 1).astype(np.float32)
    unfitted = SentimentModel(
        columns=columns, idf=idf, coef=np.zeros((3, 0), np.float32), intercept=np.zeros(3, np.float32)
    )
    design = unfitted.design(counts, vader_scores(normalised))
    # Balanced class weights: TweetEval has twice as many neutral tweets as negative ones,
    # and the measure that matters (macro-averaged recall) weighs the classes alike.
    regression = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, tol=1e-6)
    with threadpool_limits(limits=1):  # one thread: the same sums in the same order every time
        regression.fit(design, labels)
    return SentimentModel(
        columns=columns,
        idf=idf,
        coef=regression.coef_.astype(np.float32),
        intercept=regression.intercept_.astype(np.float32),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="TweetEval's sentiment folder")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="where to write the model (.npz)")
    args = parser.parse_args(argv)
    if not (args.data / "mapping.txt").exists():
        print(f"No TweetEval sentiment data in {args.data} (see ../shared/data/README.md).", file=sys.stderr)
        return 2
    started = time.perf_counter()
    texts, labels = load_tweeteval(args.data)
    model = train(texts, labels)
    model.save(args.out)
    print(
        f"Trained on {len(texts):,} tweets in {time.perf_counter() - started:.1f} s: {len(model.columns):,} "
        f"features, model {model.version}, {args.out.stat().st_size / 1e6:.1f} MB at {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
