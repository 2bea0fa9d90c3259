"""What the model reads (feedback.ml.features): text as people write it on X and Facebook."""

import pytest

from feedback.ml.features import normalise, term_counts, vader_scores


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("@desk my VPN is down again", "@user my VPN is down again"),
        ("@Desk_IT @jess_99 thanks!", "@user @user thanks!"),
        ("see https://t.co/AbC123 and http://example.com/x?y=1 now", "see http and http now"),
        ("www.example.com is down", "http is down"),
        ("mail jo@example.com please", "mail jo@example.com please"),
        ("fish &amp; chips &lt;3 &#128077;", "fish & chips <3 👍"),
        ("  lots\n\nof   space  ", "lots of space"),
        ("", ""),
    ],
)
def test_entities_handles_and_links_are_brought_to_the_training_tweets_shape(text, normalised):
    # TweetEval's tweets have "@user" for every handle and "http" for every link.
    assert normalise(text) == normalised


def test_words_word_pairs_and_letter_sequences_are_counted_in_separate_columns():
    counts = term_counts(["not good", "good"])
    assert counts.shape == (2, 2 * 2**20)
    words_of = [set(counts[row].indices[counts[row].indices < 2**20]) for row in range(2)]
    letters_of = [set(counts[row].indices[counts[row].indices >= 2**20]) for row in range(2)]
    assert words_of[1] < words_of[0] and len(words_of[0]) == 3  # "not", "good", "not good"
    assert letters_of[1] < letters_of[0]
    assert (term_counts(["GOOD"]) != term_counts(["good"])).nnz == 0  # case is folded


def test_vader_scores_come_in_a_fixed_order():
    scores = vader_scores(["I love it", "I hate it", ""])
    assert scores.shape == (3, 4)
    compound, positive, neutral, negative = scores.T
    assert compound[0] > 0 > compound[1] and compound[2] == 0
    assert positive[0] > 0 and negative[1] > 0 and neutral[2] == 0
