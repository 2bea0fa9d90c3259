"""The service classifier: what a text is about, from the desk's own history and from the
keywords managers give each service.

The learned half is a scikit-learn pipeline, TF-IDF over words and word pairs then a
logistic regression, fitted on resolved incidents' titles and descriptions with the service
agents left on them as the label (so a correction teaches the next version). The keyword half
counts each service's phrases found in the text. The two are combined as independent pieces
of evidence (noisy-or: 1 − (1 − p_model)(1 − p_keywords)), and the best service is suggested
when its confidence reaches `MIN_CONFIDENCE`.
"""

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import joblib
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

DESCRIPTION_CHARS = 1000  # the start of a description says what it is about; the rest is detail
MIN_CONFIDENCE = 0.3  # below this nothing is suggested: an empty field beats a wrong one
# One keyword found counts 0.55, each more 0.15, at most 0.9: a manager's word is strong evidence,
# never certainty.
KEYWORD_FIRST, KEYWORD_MORE, KEYWORD_MAX = 0.55, 0.15, 0.9


def text_of(title: str, description: str = "") -> str:
    return f"{title}\n{(description or '')[:DESCRIPTION_CHARS]}"


def fit(texts: Sequence[str], labels: Sequence[int]) -> Pipeline:
    pipeline = Pipeline(
        [
            (
                "tfidf",
                TfidfVectorizer(
                    ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode", min_df=1, max_features=200_000
                ),
            ),
            # lbfgs on one core: the worker shares the machine with intake.
            ("classify", LogisticRegression(C=10.0, max_iter=1000)),
        ]
    )
    return pipeline.fit(list(texts), list(labels))


def dump(pipeline: Pipeline) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer, compress=3)
    return buffer.getvalue()


def load(blob: bytes) -> Pipeline:
    return joblib.load(io.BytesIO(bytes(blob)))


@dataclass(frozen=True)
class Suggestion:
    service_id: int
    confidence: float
    source: str  # "model" or "keywords": whichever said more for the service suggested
    model_version: int | None


def _keyword_pattern(phrases: Iterable[str]) -> re.Pattern | None:
    phrases = sorted({p for p in phrases if p}, key=len, reverse=True)
    if not phrases:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in phrases) + r")(?!\w)")


class Suggester:
    """Suggests among the active services: the model's classes that are still active, and
    every active service with keywords."""

    def __init__(
        self, *, pipeline: Pipeline | None, version: int | None, keywords: dict[int, list[str]], active: set[int]
    ):
        self.pipeline, self.version, self.active = pipeline, version, active
        self.patterns = {
            service_id: pattern
            for service_id, phrases in keywords.items()
            if service_id in active and (pattern := _keyword_pattern(phrases)) is not None
        }

    def keyword_evidence(self, text: str) -> dict[int, float]:
        lowered = " ".join(text.lower().split())
        evidence = {}
        for service_id, pattern in self.patterns.items():
            hits = len(set(pattern.findall(lowered)))
            if hits:
                evidence[service_id] = min(KEYWORD_MAX, KEYWORD_FIRST + KEYWORD_MORE * (hits - 1))
        return evidence

    def suggest_many(self, texts: Sequence[str]) -> list[Suggestion | None]:
        texts = list(texts)
        if not texts:
            return []
        probabilities = None
        if self.pipeline is not None:
            probabilities = self.pipeline.predict_proba(texts)
            classes = [int(c) for c in self.pipeline.classes_]
        results = []
        for row, text in enumerate(texts):
            model = (
                {c: float(p) for c, p in zip(classes, probabilities[row], strict=True) if c in self.active}
                if probabilities is not None
                else {}
            )
            keywords = self.keyword_evidence(text)
            combined = {s: 1 - (1 - model.get(s, 0.0)) * (1 - keywords.get(s, 0.0)) for s in set(model) | set(keywords)}
            if not combined:
                results.append(None)
                continue
            best = max(combined, key=lambda s: (combined[s], -s))
            if combined[best] < MIN_CONFIDENCE:
                results.append(None)
                continue
            source = "keywords" if keywords.get(best, 0.0) > model.get(best, 0.0) else "model"
            results.append(
                Suggestion(
                    service_id=best,
                    confidence=round(combined[best], 4),
                    source=source,
                    model_version=self.version if model else None,
                )
            )
        return results

    def suggest(self, text: str) -> Suggestion | None:
        return self.suggest_many([text])[0]


def holdout_accuracy(texts: Sequence[str], labels: Sequence[int], *, share: float = 0.2) -> float | None:
    """Fitted on the older part, scored on the newest `share` (the samples in time order):
    how it does on what comes next. None when there are too few to say."""
    cut = int(len(texts) * (1 - share))
    if cut < 20 or len(texts) - cut < 10 or len(set(labels[:cut])) < 2:
        return None
    predicted = fit(texts[:cut], labels[:cut]).predict(list(texts[cut:]))
    return float(np.mean(np.asarray(predicted) == np.asarray(labels[cut:])))
