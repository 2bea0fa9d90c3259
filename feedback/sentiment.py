"""How a text feels, by the desk's sentiment model: the one entry point of the project.

    >>> score_text("thanks… still no bag")
    TextSentiment(score=-0.6…, label='negative', model_version='lr-…', …)

The model (`feedback.ml`) is a logistic regression over word and letter n-grams and VADER's
scores, trained on 14,284 tweets labelled by people (TweetEval); it ships with the project
as `feedback/ml/sentiment_model.npz` and is rebuilt by `python -m feedback.ml.train_sentiment`.
Where VADER reads polite complaints ("thanks… please help") as happy, the model reads them
as the complaints they are: bench/bench_sentiment.py and docs/performance.md have the figures.

Input is text as people write it: HTML entities, @handles and links are handled here.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from .ml.features import normalise
from .ml.model import LABELS, SentimentModel, label_of, score_of

NEGATIVE, NEUTRAL, POSITIVE = LABELS


@dataclass(frozen=True)
class TextSentiment:
    score: float  # -1 (surely negative) … 1 (surely positive): P(positive) − P(negative)
    label: str  # "negative", "neutral" or "positive": the model's most probable class
    model_version: str  # which model said so (stored with every score; a rescore follows a change)
    # VADER's reading, one of the model's inputs, kept beside it.
    compound: float
    positive: float
    neutral: float
    negative: float


@cache
def model() -> SentimentModel:
    """The shipped model, read once per process on first use (a few tens of milliseconds)."""
    return SentimentModel.load()


def model_version() -> str:
    return model().version


def score_texts(texts: Sequence[str]) -> list[TextSentiment]:
    """Score many texts at once: far faster per text than one by one (the arithmetic is
    done on the whole batch)."""
    texts = list(texts)
    if not texts:
        return []
    current = model()
    probabilities, vader = current.predict(texts)
    labels, scores = label_of(probabilities), score_of(probabilities)
    version = current.version
    return [
        TextSentiment(
            score=round(float(scores[row]), 4),
            label=LABELS[labels[row]],
            model_version=version,
            compound=float(vader[row, 0]),
            positive=float(vader[row, 1]),
            neutral=float(vader[row, 2]),
            negative=float(vader[row, 3]),
        )
        for row in range(len(texts))
    ]


def score_text(text: str) -> TextSentiment:
    """Score one text."""
    return score_texts([text])[0]


__all__ = [
    "NEGATIVE",
    "NEUTRAL",
    "POSITIVE",
    "TextSentiment",
    "model_version",
    "normalise",
    "score_text",
    "score_texts",
]
