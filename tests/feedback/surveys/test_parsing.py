"""Survey answers as people write them (feedback.surveys.parsing)."""

import pytest

from feedback.surveys.parsing import parse_answer


@pytest.mark.parametrize(
    ("text", "rating", "comment"),
    [
        ("5", 5, ""),
        ("  3  ", 3, ""),
        ("5/5", 5, ""),
        ("3.5/5", 4, ""),
        ("4 - thanks", 4, "thanks"),
        ("1, useless", 1, "useless"),
        ("thanks a lot, 5", 5, "thanks a lot"),
        ("five", 5, ""),
        ("one", 1, ""),
        ("Five stars!", 5, ""),
        ("5 stars, brilliant", 5, "brilliant"),
        ("⭐⭐⭐⭐", 4, ""),
        ("⭐️⭐️⭐️⭐️⭐️ amazing", 5, "amazing"),  # with emoji variation selectors
        ("★★★☆☆", 3, ""),
        ("👍", 5, ""),
        ("👎 slow", 1, "slow"),
        ("10/10", 5, ""),
        ("7 out of 10", 4, ""),
        ("1/10", 1, ""),
        ("8", 4, ""),  # asked for 1 to 5, an 8 alone is out of ten
        ("0", 1, ""),
        ("great service", None, "great service"),
        ("it took 3 days to fix", None, "it took 3 days to fix"),  # a number mid-sentence is no rating
        ("11", None, "11"),
        ("", None, ""),
    ],
)
def test_every_form_of_answer(text, rating, comment):
    parsed = parse_answer(text)
    assert (parsed.rating, parsed.comment) == (rating, comment)


@pytest.mark.parametrize(
    "text",
    ["the problem is back", "2. still not working", "4/5 but it is broken again", "It's back :(", "not fixed"],
)
def test_an_answer_that_says_the_problem_is_back(text):
    assert parse_answer(text).problem_back


@pytest.mark.parametrize("text", ["5", "great, back to work now", "1, useless", "thanks, it works"])
def test_an_answer_that_does_not(text):
    assert not parse_answer(text).problem_back


def test_handles_links_and_entities_are_not_part_of_the_answer():
    assert parse_answer("@desk @jess 4 - thanks https://t.co/x") == parse_answer("4 - thanks")
    assert parse_answer("@desk 5 &amp; thanks").rating == 5
