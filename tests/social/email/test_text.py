"""The new words of a reply, as the mail clients people use quote them."""

import pytest

from social.email.text import html_to_text, new_words

GMAIL = """Still broken after the restart.

On Mon, Dec 7, 2026 at 10:02 AM Service desk <servicedesk@example.org> wrote:

> Thanks Jess, we're on it: your incident is INC0000042.
> Reply here to add details.
"""
OUTLOOK = """The error is 0x80070005.

________________________________
From: Service desk <servicedesk@example.org>
Sent: Monday, December 7, 2026 10:02
To: Jess Moreau <jess@example.com>
Subject: RE: VPN [INC0000042]

Could you send us the error code?
"""
THUNDERBIRD_DE = """Es geht wieder, danke!

Am 07.12.2026 um 10:02 schrieb Service desk:
> Bitte versuchen Sie das neue VPN-Profil.
"""
SIGNATURE = """The printer on floor 3 is jammed.

--{SPACE}
Jess Moreau
Finance, floor 3 | +44 20 7946 0000
""".replace("{SPACE}", " ")  # the "-- " line: a space the editor would strip
PHONE = """Works now.

Sent from my iPhone"""


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (GMAIL, "Still broken after the restart."),
        (OUTLOOK, "The error is 0x80070005."),
        (THUNDERBIRD_DE, "Es geht wieder, danke!"),
        (SIGNATURE, "The printer on floor 3 is jammed."),
        (PHONE, "Works now."),
        ("no quote at all\nsecond line", "no quote at all\nsecond line"),
    ],
    ids=["gmail", "outlook", "thunderbird-de", "signature", "phone", "plain"],
)
def test_the_new_words_of_a_reply(body, words):
    assert new_words(body) == words


def test_a_reply_that_is_only_a_quote_keeps_the_quote():
    assert new_words("> only quoted\n> text") == "> only quoted\n> text"


def test_interleaved_answers_keep_their_quotes_above_them():
    body = "> Which floor?\nThird.\n> Which printer?\nThe big one."

    assert new_words(body) == body


def test_html_entities_and_whitespace_are_read_as_a_browser_shows_them():
    assert html_to_text("<p>a&nbsp;&amp;&lt;b&gt;\n   c</p>") == "a &<b> c"


def test_an_unclosed_link_keeps_its_words():
    assert html_to_text('<p>see <a href="https://x.example">the page') == "see the page"
