"""Sentiment with VADER (feedback.sentiment): checked against the human ratings of the VADER
paper's 4,200 tweets, through the path messages take (clean, then score)."""

import statistics

import pytest

from feedback import sentiment
from feedback.sentiment import clean_for_scoring, score


def ground_truth(fixtures) -> list[tuple[float, str]]:
    """(mean of 20 human ratings, -4 … 4; the tweet) per line: `id<TAB>mean<TAB>text`."""
    path = fixtures / "sentiment_vader_tweets" / "tweets_GroundTruth.txt"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        _, mean, text = line.split("\t", 2)
        rows.append((float(mean), text))
    return rows


def test_vader_agrees_with_people_on_the_papers_tweets(shared_fixtures):
    rows = ground_truth(shared_fixtures)
    assert len(rows) == 4200
    human = [mean for mean, _ in rows]
    ours = [score(clean_for_scoring(text))["compound"] for _, text in rows]
    r = statistics.correlation(human, ours)
    assert r > 0.85, r  # vaderSentiment 3.3.2 on the raw tweets: 0.872
    # And on the words people meant: positive is positive, negative negative (2-class).
    polar = [(h, o) for h, o in zip(human, ours, strict=True) if abs(o) >= 0.05 and h != 0]
    agreement = sum((h > 0) == (o > 0) for h, o in polar) / len(polar)
    assert agreement > 0.9, agreement


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("@desk my VPN is down again", "my VPN is down again"),
        ("@Desk_IT @jess_99 thanks!", "thanks!"),
        ("see https://t.co/AbC123 and http://example.com/x?y=1 now", "see and now"),
        ("www.example.com is down", "is down"),
        ("mail jo@example.com please", "mail jo@example.com please"),
        ("fish &amp; chips &lt;3", "fish & chips <3"),
        ("  lots\n\nof   space  ", "lots of space"),
        ("@desk https://t.co/x", ""),
        ("", ""),
    ],
)
def test_clean_for_scoring_drops_handles_and_links(text, cleaned):
    assert clean_for_scoring(text) == cleaned


def test_a_handle_or_link_does_not_change_how_a_message_feels():
    assert score(clean_for_scoring("@happy_desk https://t.co/great awful service"))["compound"] < 0


def test_score_gives_the_compound_and_the_proportions():
    scores = score("The new laptop is great, thank you so much!")
    assert set(scores) == {"compound", "positive", "neutral", "negative"}
    assert scores["compound"] > 0.5
    assert scores["positive"] + scores["neutral"] + scores["negative"] == pytest.approx(1, abs=0.01)
    assert score("This is terrible, nothing works and nobody answers.")["compound"] < -0.4
    assert score("")["compound"] == 0


def test_there_is_one_analyzer():
    assert sentiment.analyzer() is sentiment.analyzer()
