"""Scoring what people write (feedback.services): inbound social messages, the descriptions
of incidents they open, the comments they write; once each, in bulk."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback import services
from feedback.models import ScoredSource, SentimentScore
from feedback.sentiment import model_version
from feedback.services import (
    sentiment_score_comments,
    sentiment_score_descriptions,
    sentiment_score_messages,
    sentiment_score_unscored,
)
from tickets import services as tickets
from tickets.models import Channel

from ..factories import AgentFactory, ContactFactory, CustomerFactory, IncidentFactory
from ..social.factories import InboundMessageFactory, SocialMessageFactory

pytestmark = pytest.mark.django_db


# --- social messages ------------------------------------------------------------------------------


def test_a_message_is_scored_with_its_label_version_channel_incident_and_time(contact):
    incident = IncidentFactory(reporter=contact, channel=Channel.FACEBOOK)
    message = InboundMessageFactory(channel="facebook", incident=incident, text="Thank you, it works perfectly now!")
    assert sentiment_score_messages(message_ids=[message.pk]) == 1
    stored = SentimentScore.objects.get(message=message)
    assert (stored.source, stored.label, stored.model_version) == ("message", "positive", model_version())
    assert stored.score > 0.5 and stored.compound > 0.5
    assert (stored.channel, stored.incident, stored.created_at) == ("facebook", incident, message.created_at)
    assert stored.positive + stored.neutral + stored.negative == pytest.approx(1, abs=0.01)
    assert message.__class__.objects.get(pk=message.pk).sentiment == stored  # the reverse one-to-one


def test_scoring_twice_stores_one_score():
    message = InboundMessageFactory(text="Broken again.")
    assert sentiment_score_messages(message_ids=[message.pk, message.pk]) == 1
    assert sentiment_score_messages(message_ids=[message.pk]) == 0
    assert SentimentScore.objects.filter(message=message).count() == 1


def test_outbound_deleted_and_wordless_messages_are_skipped():
    outbound = SocialMessageFactory(direction="outbound", text="Sorry to hear that, we are on it.")
    deleted = InboundMessageFactory(deleted=True, text="")
    deleted_with_text = InboundMessageFactory(deleted=True, text="Awful")
    empty = InboundMessageFactory(text="")
    kept = InboundMessageFactory(text="@desk https://t.co/x")  # words of nobody, but a message: neutral
    ids = [outbound.pk, deleted.pk, deleted_with_text.pk, empty.pk, kept.pk, 999999]
    assert sentiment_score_messages(message_ids=ids) == 1
    assert list(SentimentScore.objects.values_list("message_id", "label", "compound")) == [(kept.pk, "neutral", 0.0)]


def test_a_batch_is_two_queries(django_assert_num_queries):
    messages = [InboundMessageFactory(text=f"Still broken after {n} days, terrible") for n in range(30)]
    with django_assert_num_queries(2):  # read the batch, insert the scores
        assert sentiment_score_messages(message_ids=[m.pk for m in messages]) == 30
    assert set(SentimentScore.objects.values_list("label", flat=True)) == {"negative"}
    assert sentiment_score_messages(message_ids=[]) == 0


def test_a_score_another_worker_stored_meanwhile_is_kept_and_no_error(monkeypatch):
    message = InboundMessageFactory(text="Great")

    def score_while_another_worker_stores_first(texts):
        # Between this worker's read and its insert, another one stores its score.
        SentimentScore.objects.create(
            message=message,
            score=0.123,
            label="positive",
            model_version="other",
            compound=0.123,
            positive=1,
            neutral=0,
            negative=0,
            scored_at=timezone.now(),
            channel=message.channel,
            created_at=message.created_at,
        )
        return real_score_texts(texts)

    real_score_texts = services.score_texts
    monkeypatch.setattr(services, "score_texts", score_while_another_worker_stores_first)
    sentiment_score_messages(message_ids=[message.pk])
    assert list(SentimentScore.objects.values_list("message_id", "score")) == [(message.pk, 0.123)]


# --- incident descriptions and reporters' comments ----------------------------------------------


def test_a_portal_or_api_description_is_scored_once_and_a_social_one_is_not():
    portal = IncidentFactory(channel=Channel.WEB, description="Nothing works since the update, I am furious")
    api = IncidentFactory(channel=Channel.API, description="Thanks, the new laptop is great")
    social = IncidentFactory(channel=Channel.TWITTER, description="@desk VPN down again, awful")  # its message is
    wordless = IncidentFactory(channel=Channel.WEB, description="")
    ids = [portal.pk, api.pk, social.pk, wordless.pk, portal.pk]
    assert sentiment_score_descriptions(incident_ids=ids) == 2
    assert sentiment_score_descriptions(incident_ids=ids) == 0
    scores = {s.incident_id: s for s in SentimentScore.objects.all()}
    assert set(scores) == {portal.pk, api.pk}
    assert (scores[portal.pk].source, scores[portal.pk].label, scores[portal.pk].channel) == (
        "description",
        "negative",
        "web",
    )
    assert (scores[api.pk].label, scores[api.pk].channel, scores[api.pk].created_at) == (
        "positive",
        "api",
        api.created_at,
    )


def test_the_reporters_comments_are_scored_and_the_desks_are_not():
    customer = CustomerFactory()
    reporter = tickets.contact_for_user(user=customer)
    incident = IncidentFactory(reporter=reporter, channel=Channel.WEB)
    agent = AgentFactory()
    by_user = tickets.incident_reply_from_reporter(incident=incident, author=customer, body="Still broken, useless")
    by_contact = tickets.comment_create(
        incident=incident, author=reporter, body="Works now, thanks a lot!", visibility="public"
    )
    answer = tickets.comment_create(incident=incident, author=agent, body="Sorry, fixing it", visibility="public")
    note = tickets.comment_create(incident=incident, author=agent, body="user is angry", visibility="internal")
    someone_else = tickets.comment_create(
        incident=incident, author=ContactFactory(), body="me too", visibility="public"
    )
    ids = [c.pk for c in (by_user, by_contact, answer, note, someone_else)]
    assert sentiment_score_comments(comment_ids=ids) == 2
    assert sentiment_score_comments(comment_ids=ids) == 0
    labels = dict(SentimentScore.objects.values_list("comment_id", "label"))
    assert labels == {by_user.pk: "negative", by_contact.pk: "positive"}
    stored = SentimentScore.objects.get(comment=by_user)
    assert (stored.source, stored.incident, stored.channel, stored.created_at) == (
        "comment",
        incident,
        "web",
        by_user.created_at,
    )


def test_a_comment_mirrored_from_a_social_message_is_scored_as_the_message_only(contact):
    incident = IncidentFactory(reporter=contact, channel=Channel.TWITTER)
    comment = tickets.comment_create(incident=incident, author=contact, body="still down", visibility="public")
    InboundMessageFactory(incident=incident, comment=comment, text="still down")
    assert sentiment_score_comments(comment_ids=[comment.pk]) == 0


# --- the sweep -----------------------------------------------------------------------------------


def test_the_sweep_scores_what_was_left_unscored_recently_from_every_source():
    recent = [InboundMessageFactory(text=f"bad {n}") for n in range(5)]
    old = InboundMessageFactory(text="old and bad", created_at=timezone.now() - timedelta(days=30))
    SocialMessageFactory(direction="outbound", text="our answer")
    incident = IncidentFactory(description="printer on fire")
    comment = tickets.comment_create(incident=incident, author=incident.reporter, body="hello?", visibility="public")
    sentiment_score_messages(message_ids=[recent[0].pk])
    assert sentiment_score_unscored(batch_size=2) == 6
    assert set(SentimentScore.objects.filter(source="message").values_list("message_id", flat=True)) == {
        m.pk for m in recent
    }
    assert SentimentScore.objects.filter(source=ScoredSource.DESCRIPTION, incident=incident).exists()
    assert SentimentScore.objects.filter(comment=comment).exists()
    assert not SentimentScore.objects.filter(message=old).exists()
    assert sentiment_score_unscored() == 0


def test_praise_kept_as_feedback_is_scored_and_counted_in_the_satisfaction_figures():
    # Praise, thanks and chatter open no incident (intelligence.intent); what they say of the
    # desk still counts: scored like any inbound message and rolled up under "no service".
    from feedback.rollup_models import ALL_AGENTS, MessageRollup
    from feedback.rollups.refresh import message_rollups_refresh
    from social.models import MessageState

    kept = InboundMessageFactory(
        state=MessageState.FEEDBACK, intent="praise", incident=None, text="Great job fixing the email outage!"
    )
    assert sentiment_score_messages(message_ids=[kept.pk]) == 1
    message_rollups_refresh()
    day = MessageRollup.objects.get(grain="day", agent_id=ALL_AGENTS)
    assert (day.service_id, day.messages, day.negative) == (0, 1, 0)
    assert day.sentiment_sum > 0.5
