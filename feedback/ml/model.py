"""The sentiment model: multinomial logistic regression over TF-IDF weighted hashed n-grams
and VADER's four scores, trained by `train_sentiment.py`.

It is stored as a handful of numpy arrays (`sentiment_model.npz`, loaded without pickle):
which hashed columns were seen in training, their inverse document frequencies, and the
regression's weights. Scoring is numpy and scipy arithmetic on a batch at a time.
"""

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from scipy import sparse

from .features import HASHED_COLUMNS, normalise, term_counts, vader_scores

LABELS = ("negative", "neutral", "positive")  # the classes' order in every array
MODEL_PATH = Path(__file__).with_name("sentiment_model.npz")
ARRAY_NAMES = ("columns", "idf", "coef", "intercept")


@dataclass(frozen=True, eq=False)
class SentimentModel:
    columns: np.ndarray  # int64, sorted: the hashed columns kept (seen in enough training messages)
    idf: np.ndarray  # float32, one per kept column
    coef: np.ndarray  # float32, (3 classes × (kept columns + VADER's 4 scores))
    intercept: np.ndarray  # float32, (3,)

    @property
    def version(self) -> str:
        """Names the weights: two models score alike exactly when their versions are equal."""
        digest = hashlib.sha256()
        for name in ARRAY_NAMES:
            digest.update(np.ascontiguousarray(getattr(self, name)).tobytes())
        return f"lr-{digest.hexdigest()[:12]}"

    def same_as(self, other: "SentimentModel") -> bool:
        return all(np.array_equal(getattr(self, name), getattr(other, name)) for name in ARRAY_NAMES)

    # --- scoring ----------------------------------------------------------------------------

    @cached_property
    def _position_of_column(self) -> np.ndarray:
        """Hashed column → its position among the kept ones (-1: not kept). 8 MB, made once."""
        position = np.full(2 * HASHED_COLUMNS, -1, dtype=np.int32)
        position[self.columns] = np.arange(len(self.columns), dtype=np.int32)
        return position

    def design(self, counts: sparse.csr_matrix, vader: np.ndarray) -> sparse.csr_matrix:
        """The regression's inputs: sublinear TF-IDF of the kept columns, each message's
        vector of unit length, then VADER's scores."""
        counts = counts.tocsr()
        counts.sum_duplicates()
        kept_positions = self._position_of_column[counts.indices]
        kept = kept_positions >= 0
        row_of = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))[kept]
        cols = kept_positions[kept]
        values = (1.0 + np.log(counts.data[kept])) * self.idf[cols]
        norms = np.sqrt(np.bincount(row_of, weights=values * values, minlength=counts.shape[0]))
        values = values / np.where(norms > 0, norms, 1.0)[row_of]
        tfidf = sparse.csr_matrix((values, (row_of, cols)), shape=(counts.shape[0], len(self.columns)))
        return sparse.hstack([tfidf, sparse.csr_matrix(vader)], format="csr")

    def probabilities(self, design: sparse.csr_matrix) -> np.ndarray:
        """(messages × 3) class probabilities (softmax of the linear scores)."""
        logits = np.asarray(design @ self.coef.T.astype(np.float64)) + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Class probabilities and VADER's scores of raw texts (as people wrote them)."""
        normalised = [normalise(text) for text in texts]
        vader = vader_scores(normalised)
        return self.probabilities(self.design(term_counts(normalised), vader)), vader

    # --- storage ----------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        np.savez_compressed(path, **{name: getattr(self, name) for name in ARRAY_NAMES})

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "SentimentModel":
        with np.load(path, allow_pickle=False) as arrays:
            return cls(**{name: arrays[name] for name in ARRAY_NAMES})


def label_of(probabilities: np.ndarray) -> np.ndarray:
    """The most probable class of each row, as an index into LABELS."""
    return probabilities.argmax(axis=1)


def score_of(probabilities: np.ndarray) -> np.ndarray:
    """One number per message, -1 (surely negative) … 1 (surely positive): P(positive) − P(negative)."""
    return probabilities[:, 2] - probabilities[:, 0]
