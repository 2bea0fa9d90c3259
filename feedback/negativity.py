"""Which scored messages count as negative: the one place the dashboards, their rollups and
their links to the messages ask.

Today a score is negative when VADER's compound is at most -0.05 (the threshold of the VADER
paper). When scores carry the sentiment model's own label, this becomes `label == "negative"`
and nothing else changes.
"""

from django.db.models import Q

NEGATIVE_COMPOUND_AT_MOST = -0.05


def negative_q(prefix: str = "") -> Q:
    """Condition on SentimentScore rows (or on rows reaching them through `prefix`, e.g.
    "sentiment__")."""
    return Q(**{f"{prefix}compound__lte": NEGATIVE_COMPOUND_AT_MOST})


def is_negative(compound: float) -> bool:
    return compound <= NEGATIVE_COMPOUND_AT_MOST
