"""How X counts a post and how a long answer becomes a thread (social.twitter.text)."""

from social.twitter.text import split_thread, weighted_length

from .conftest import WORDS, long_text


def test_a_short_answer_is_one_post():
    assert split_thread("  Fixed, thanks!  ") == ["Fixed, thanks!"]


def test_nothing_to_say_is_no_post():
    assert split_thread(" \n ") == []


def test_exactly_the_limit_is_one_post():
    assert split_thread("a" * 280) == ["a" * 280]


def test_over_the_limit_is_a_numbered_thread_cut_between_words():
    text = long_text(2.5)
    parts = split_thread(text)
    assert len(parts) == 3
    assert [part.split(" ", 1)[0] for part in parts] == ["1/3", "2/3", "3/3"]
    assert all(weighted_length(part) <= 280 for part in parts)
    # Nothing lost, nothing cut inside a word.
    assert " ".join(part.split(" ", 1)[1] for part in parts).split() == text.split()


def test_a_link_counts_as_23_characters():
    text = "a" * 250 + " https://status.example.com/incidents/" + "x" * 100
    assert weighted_length(text) == 250 + 1 + 23
    assert split_thread(text) == [text]


def test_a_link_is_never_cut():
    link = "https://status.example.com/incidents/" + "x" * 300
    parts = split_thread("word " * 60 + link)
    assert any(part.endswith(link) for part in parts)


def test_wide_characters_count_twice():
    assert weighted_length("服务台") == 6
    assert len(split_thread("服" * 141)) == 2
    assert split_thread("服" * 140) == ["服" * 140]


def test_a_word_longer_than_a_post_is_cut_where_it_must_be():
    parts = split_thread("x" * 600)
    assert len(parts) == 3
    assert all(weighted_length(part) <= 280 for part in parts)
    assert "".join(part.split(" ", 1)[1] for part in parts) == "x" * 600


def test_a_long_thread_leaves_room_for_two_digit_numbers():
    parts = split_thread(long_text(11))
    assert len(parts) >= 12
    assert parts[9].startswith(f"10/{len(parts)} ")
    assert all(weighted_length(part) <= 280 for part in parts)


def test_the_limit_can_be_set():
    assert all(weighted_length(part) <= 50 for part in split_thread(WORDS * 2, limit=50))
