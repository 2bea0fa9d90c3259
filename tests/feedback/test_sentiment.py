"""The desk's sentiment (feedback.sentiment): the entry point every scorer uses, checked
against people's ratings of tweets the model never trained on (the VADER paper's 4,200)."""

import statistics

import pytest

from feedback import sentiment
from feedback.ml.features import vader
from feedback.sentiment import TextSentiment, score_text, score_texts


def ground_truth(fixtures) -> list[tuple[float, str]]:
    """(mean of 20 human ratings, -4 … 4; the tweet) per line: `id<TAB>mean<TAB>text`."""
    path = fixtures / "sentiment_vader_tweets" / "tweets_GroundTruth.txt"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        _, mean, text = line.split("\t", 2)
        rows.append((float(mean), text))
    return rows


def test_the_model_agrees_with_people_on_tweets_it_never_saw(shared_fixtures):
    rows = ground_truth(shared_fixtures)
    assert len(rows) == 4200
    human = [mean for mean, _ in rows]
    ours = score_texts([text for _, text in rows])
    assert statistics.correlation(human, [s.score for s in ours]) > 0.85  # measured 0.876 (VADER 0.873)
    # Clearly negative tweets (people's mean ≤ -1) are seldom read as positive, and the reverse.
    negatives = [s for h, s in zip(human, ours, strict=True) if h <= -1]
    positives = [s for h, s in zip(human, ours, strict=True) if h >= 1]
    assert sum(s.label == "positive" for s in negatives) / len(negatives) < 0.05  # measured 0.029
    assert sum(s.label == "negative" for s in positives) / len(positives) < 0.05  # measured 0.019


def test_vader_itself_still_agrees_with_people(shared_fixtures):
    """VADER's scores are one of the model's inputs, and stored beside its reading."""
    rows = ground_truth(shared_fixtures)
    r = statistics.correlation([h for h, _ in rows], [vader().polarity_scores(t)["compound"] for _, t in rows])
    assert r > 0.85, r  # vaderSentiment 3.3.2 on the raw tweets: 0.872


def test_a_score_has_a_label_a_version_and_vaders_reading():
    result = score_text("The new laptop is great, thank you so much!")
    assert isinstance(result, TextSentiment)
    assert result.label == "positive" and 0.5 < result.score <= 1
    assert result.model_version == sentiment.model_version() and result.model_version.startswith("lr-")
    assert result.compound > 0.5
    assert result.positive + result.neutral + result.negative == pytest.approx(1, abs=0.01)


def test_complaints_are_negative():
    for text in ["still broken", "This is the worst service ever, nothing works", "I hate this stupid printer"]:
        assert score_text(text).label == "negative", text


def test_a_handle_or_link_does_not_change_how_a_message_feels():
    plain = score_text("awful service")
    decorated = score_text("@happy_desk https://t.co/great awful service")
    assert decorated.label == plain.label == "negative"


def test_a_batch_scores_each_text_as_alone():
    texts = ["Thanks, all sorted!", "my account is locked AGAIN", "what time does the desk open?"]
    assert score_texts(texts) == [score_text(text) for text in texts]
    assert score_texts([]) == []


def test_html_entities_are_read_as_the_characters_they_stand_for():
    assert score_text("fish &amp; chips &lt;3") == score_text("fish & chips <3")
