"""What the sentiment model reads of a message: the words and word pairs, the letter
sequences inside words, and VADER's reading of the whole message.

Hashed features (scikit-learn's HashingVectorizer, MurmurHash3 with a fixed seed) need no
vocabulary file, so training and scoring see the same columns on any machine.
"""

import html
import re
from functools import cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# @handles (X allows letters, digits and _), not e-mail addresses ("jo@example.com").
HANDLE = re.compile(r"(?<![\w@])@\w+")
SPACES = re.compile(r"\s+")
# The training tweets have their handles replaced by "@user" and their links by "http"
# (TweetEval's preprocessing): live text is brought to the same shape.
HANDLE_TOKEN = "@user"  # noqa: S105 (a word, not a secret)
URL_TOKEN = "http"  # noqa: S105

# Words (with apostrophes: "don't") and every other visible character on its own: "!", "?",
# and each emoji carry much of a tweet's feeling.
WORD_PATTERN = r"(?u)[\w']+|[^\w\s]"
HASHED_COLUMNS = 2**20  # per kind of feature; collisions among ~10^5 features are rare
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (3, 5)
VADER_FEATURES = ("compound", "pos", "neu", "neg")


def normalise(text: str) -> str:
    """A message as the model reads it: entities decoded (X sends `&amp;`), links and
    @handles replaced by one token each, white space collapsed. Case is folded later."""
    text = html.unescape(text)
    text = URL.sub(f" {URL_TOKEN} ", text)
    text = HANDLE.sub(f" {HANDLE_TOKEN} ", text)
    return SPACES.sub(" ", text).strip()


@cache
def _vectorizers() -> tuple[HashingVectorizer, HashingVectorizer]:
    common = {"n_features": HASHED_COLUMNS, "alternate_sign": False, "norm": None, "lowercase": True}
    words = HashingVectorizer(token_pattern=WORD_PATTERN, ngram_range=WORD_NGRAMS, **common)
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, **common)
    return words, chars


@cache
def vader() -> SentimentIntensityAnalyzer:
    """The process's one analyzer: building it reads the lexicon files (tens of ms)."""
    return SentimentIntensityAnalyzer()


def term_counts(normalised: list[str]) -> sparse.csr_matrix:
    """Counts of hashed word n-grams, then of hashed character n-grams: (messages × 2^21)."""
    words, chars = _vectorizers()
    return sparse.hstack([words.transform(normalised), chars.transform(normalised)], format="csr")


PLACEHOLDERS = re.compile(rf"(?<!\S)(?:{HANDLE_TOKEN}|{URL_TOKEN})(?!\S)")


def vader_scores(normalised: list[str]) -> np.ndarray:
    """VADER's compound, positive, neutral and negative scores: (messages × 4). VADER reads
    the words without the handle and link tokens, which would count as neutral words and
    water its proportions down."""
    analyzer = vader()
    return np.array(
        [
            [scores[name] for name in VADER_FEATURES]
            for scores in (analyzer.polarity_scores(PLACEHOLDERS.sub("", text)) for text in normalised)
        ],
        dtype=np.float64,
    ).reshape(len(normalised), len(VADER_FEATURES))
