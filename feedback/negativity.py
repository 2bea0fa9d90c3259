"""Which scored texts count as negative: the one place the dashboards, their rollups, their
links to the messages and the spike detector ask.

A score is negative when the sentiment model labelled it so (`SentimentScore.label`; see
`feedback.sentiment`). Scores stored by VADER before the model were labelled by VADER's
usual threshold (compound ≤ -0.05) until `sentiment_rescore` brings them to the model.
"""

from django.db.models import Q

from .models import SentimentLabel


def negative_q(prefix: str = "") -> Q:
    """Condition on SentimentScore rows (or on rows reaching them through `prefix`, e.g.
    "sentiment__")."""
    return Q(**{f"{prefix}label": SentimentLabel.NEGATIVE})


def is_negative(label: str) -> bool:
    """Is a score's label negative (the same rule as `negative_q`, for rows in hand)?"""
    return label == SentimentLabel.NEGATIVE
