"""Acknowledgement texts are checked before they are saved (social.acknowledgements)."""

import pytest
from django.core.exceptions import ValidationError

from social.acknowledgements import DEFAULT_ACKNOWLEDGEMENT, acknowledgement_fill, acknowledgement_text_check
from social.models import AcknowledgementTemplate


def refusal(channel: str, text: str) -> str:
    with pytest.raises(ValidationError) as error:
        acknowledgement_text_check(channel=channel, text=text)
    return " ".join(error.value.message_dict["text"])


@pytest.mark.parametrize(
    "text",
    [
        "Thanks {name}, your incident is {number}.",
        "Incident {number}",
        "No placeholder at all.",
        "Braces are written {{like this}} for {name}.",
    ],
)
def test_texts_with_the_two_placeholders_pass(text):
    acknowledgement_text_check(channel="twitter", text=text)
    acknowledgement_text_check(channel="facebook", text=text)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Thanks {nmae}, it is {number}.", "{nmae}"),
        ("Thanks {}!", "{}"),
        ("Thanks {0}", "{0}"),
        ("Your {number.real}", "{number.real}"),
        ("{ticket} and {incident}", "{incident}, {ticket}"),
    ],
)
def test_an_unknown_placeholder_is_refused_by_name(text, named):
    message = refusal("facebook", text)
    assert named in message and "only {number} and {name} are filled in" in message


@pytest.mark.parametrize("text", ["Thanks {name", "Thanks name}", "{"])
def test_a_brace_left_open_is_refused(text):
    assert "A brace is not closed or not opened" in refusal("facebook", text)


@pytest.mark.parametrize("text", ["{number:>20}", "{name!r}"])
def test_formats_and_conversions_are_refused(text):
    assert "without a format or conversion" in refusal("facebook", text)


def test_on_x_it_must_fit_in_one_post_once_filled_in():
    text = "Thanks {name}! " + "x" * 215 + " {number}"  # 286 with a 50-character name
    message = refusal("twitter", text)
    assert "Too long for one post on X" in message and "it is 286 characters" in message
    assert "a post holds 280. Shorten it by 6." in message
    acknowledgement_text_check(channel="twitter", text=text.replace("x" * 6, "", 1))
    acknowledgement_text_check(channel="facebook", text=text)  # Facebook has room


@pytest.mark.django_db
def test_the_seeded_texts_pass_their_own_check():
    seeded = dict(AcknowledgementTemplate.objects.values_list("channel", "text"))
    assert set(seeded) == {"twitter", "facebook"}
    for channel, text in seeded.items():
        acknowledgement_text_check(channel=channel, text=text)
        assert "{number}" in text and "{name}" in text


@pytest.mark.django_db
def test_the_seeded_texts_read_right_under_a_post_and_in_a_direct_message():
    # The same template answers a public mention and a DM: "this post" is wrong in a DM.
    for text in AcknowledgementTemplate.objects.values_list("text", flat=True):
        assert "post" not in text.lower()


# --- filling in: str.format's rules, and only those --------------------------------------------


def test_double_braces_are_posted_as_one_brace():
    text = "Ref {{desk}}: {number} for {name}. Track it at https://desk.example/{{number}}"
    acknowledgement_text_check(channel="twitter", text=text)
    assert acknowledgement_fill(text, number="INC0000042", name="Jess") == (
        "Ref {desk}: INC0000042 for Jess. Track it at https://desk.example/{number}"
    )


def test_a_name_with_braces_is_not_read_as_a_placeholder():
    assert acknowledgement_fill("Hi {name}, {number}", number="INC1", name="{number} }{") == "Hi {number} }{, INC1"


def test_a_text_that_cannot_be_filled_in_falls_back_to_the_default(caplog):
    # Saved before the check existed, or not through the admin: the incident is still acknowledged.
    assert acknowledgement_fill("Thanks {nmae", number="INC1", name="Jess") == DEFAULT_ACKNOWLEDGEMENT.format(
        number="INC1", name="Jess"
    )
    assert "cannot be filled in" in caplog.text


# --- the length, as each platform counts it --------------------------------------------------------


def test_on_x_a_link_counts_23_whatever_its_length():
    link = "https://status.example.org/" + "incidents/" * 20  # 227 characters
    text = f"Thanks {{name}}, {{number}}: {link}"
    assert len(text.format(number="INC00000000", name="N" * 50)) > 280
    acknowledgement_text_check(channel="twitter", text=text)  # 93 as X counts it


def test_on_x_wide_characters_count_two():
    text = "{name} {number} " + "障" * 100  # 163 characters, 263 as X counts them
    acknowledgement_text_check(channel="twitter", text=text)
    message = refusal("twitter", text + "障" * 10)
    assert "it is 283 characters (X counts a link as 23 characters" in message
    assert "Shorten it by 3." in message
    acknowledgement_text_check(channel="facebook", text=text + "障" * 10)  # Facebook counts characters
