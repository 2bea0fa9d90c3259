"""intelligence.intent: what a message is, and whether it opens an incident."""

import pytest

from intelligence.intent import FEEDBACK, OPENING, Intent, classify, judge


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # The issue's own example: praise that names the fixed outage is not a complaint.
        ("great job fixing the email outage, thank you!", Intent.THANKS),
        ("@desk well done on sorting out the wifi problem so quickly", Intent.PRAISE),
        ("Love the new laptops, works perfectly", Intent.PRAISE),
        # Praise for how a problem was handled names the problem, and is still praise.
        ("#AcmeIT great job on the email outage yesterday", Intent.PRAISE),
        ("@desk well done with the network outage last night", Intent.PRAISE),
        ("Quick response to the VPN issue this morning, impressive", Intent.PRAISE),
        ("great job on the outage, still down here", Intent.COMPLAINT),
        ("not a great job on the email outage", Intent.COMPLAINT),
        ("Thanks @desk 🙏", Intent.THANKS),
        ("lol", Intent.CHATTER),
        ("good morning everyone", Intent.CHATTER),
        ("@desk my VPN drops every hour", Intent.COMPLAINT),
        ("thanks… still no bag", Intent.COMPLAINT),  # polite complaints stay complaints
        ("thanks for nothing", Intent.COMPLAINT),
        ("great, the printer is broken again", Intent.COMPLAINT),
        ("not happy at all", Intent.COMPLAINT),
        ("Is the wifi down?", Intent.QUESTION),
        ("how do I reset my password", Intent.QUESTION),
        # A plain statement to the desk is a report: a missed complaint costs more.
        ("the printer on floor 3", Intent.COMPLAINT),
    ],
)
def test_it_reads_each_kind_of_message(text, intent):
    assert classify(text) is intent


def test_it_names_the_rule_that_decided():
    assert "outage" in judge("@desk the outage again").reason
    assert judge("@desk the outage again").opens_incident
    assert not judge("cheers, legends").opens_incident


def test_only_complaints_and_questions_open_incidents():
    assert {i for i in Intent if i.opens_incident} == OPENING == {Intent.COMPLAINT, Intent.QUESTION}
    assert set(Intent) - OPENING == FEEDBACK


def test_links_and_handles_are_not_words():
    assert classify("@helpdesk https://example.com/why") is Intent.CHATTER
    assert classify("") is Intent.CHATTER


def test_social_offers_the_intents_the_classifier_answers_with_the_same_labels():
    # The Social page's filter lists social.judgement's choices; social cannot import these.
    from intelligence.intent import CHOICES
    from social.judgement import INTENT_CHOICES

    assert INTENT_CHOICES == CHOICES
