"""The social reads (social.selectors), each one query whatever its length, with the related
rows fetched up front and the raw payloads and tokens left in the database."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import SentimentScore
from social import selectors
from social.models import Direction, InboundState, MessageState, SocialMessage
from social.selectors import InboxFilters

from ..factories import IncidentFactory
from ..queries import assert_queries
from .factories import InboundEventFactory, InboundMessageFactory, SocialAccountFactory, SocialMessageFactory

pytestmark = pytest.mark.django_db


def test_the_inbox_is_newest_first_one_query_a_page_with_what_the_rows_show():
    incident = IncidentFactory()
    start = timezone.now() - timedelta(hours=1)
    made = [InboundMessageFactory(incident=incident, created_at=start + timedelta(minutes=n)) for n in range(5)]
    with assert_queries(1):
        page = selectors.inbox_messages(filters=InboxFilters(), size=3)
        shown = [(m.incident_number, m.identity.handle) for m in page.messages]  # joined, annotated
    assert [m.pk for m in page.messages] == [m.pk for m in reversed(made)][:3]
    assert shown[0] == (incident.number, made[-1].identity.handle)
    assert {"raw", "parts"} <= page.messages[0].get_deferred_fields()
    assert page.older_before == made[2].pk

    older = selectors.inbox_messages(filters=InboxFilters(), before=page.older_before, size=3)
    assert [m.pk for m in older.messages] == [made[1].pk, made[0].pk] and older.older_before is None


def test_messages_written_at_the_same_moment_page_by_id():
    moment = timezone.now()
    made = [InboundMessageFactory(created_at=moment) for _ in range(4)]
    first = selectors.inbox_messages(filters=InboxFilters(), size=2)
    second = selectors.inbox_messages(filters=InboxFilters(), before=first.older_before, size=2)
    assert [m.pk for m in first.messages + second.messages] == [m.pk for m in reversed(made)]


def test_the_inbox_filters_by_direction_channel_kind_and_state():
    mention = InboundMessageFactory(channel="twitter")
    comment = InboundMessageFactory(channel="facebook")
    answer = SocialMessageFactory(direction=Direction.OUTBOUND, state=MessageState.FAILED)

    def shown(**filters) -> set[int]:
        return {m.pk for m in selectors.inbox_messages(filters=InboxFilters(**filters)).messages}

    assert shown() == {mention.pk, comment.pk}  # inbound by default
    assert shown(direction="") == {mention.pk, comment.pk, answer.pk}
    assert shown(channel="facebook") == {comment.pk}
    assert shown(kind="mention") == {mention.pk}
    assert shown(direction=Direction.OUTBOUND, state=MessageState.FAILED) == {answer.pk}
    assert shown(direction=Direction.OUTBOUND, state=MessageState.SENT) == set()


def test_the_inbox_filters_by_intent_so_the_praise_kept_as_feedback_is_found():
    praise = InboundMessageFactory(state=MessageState.FEEDBACK, intent="praise")
    thanks = InboundMessageFactory(state=MessageState.FEEDBACK, intent="thanks")
    complaint = InboundMessageFactory(intent="complaint")
    InboundMessageFactory(intent="")  # a reply in a conversation: not judged

    def shown(**filters) -> set[int]:
        return {m.pk for m in selectors.inbox_messages(filters=InboxFilters(**filters)).messages}

    assert shown(intent="praise") == {praise.pk}
    assert shown(intent="thanks", state=MessageState.FEEDBACK) == {thanks.pk}
    assert shown(intent="complaint") == {complaint.pk}
    assert shown(intent="chatter") == set()


def test_failed_events_are_the_newest_failures_with_what_the_page_shows_of_their_payload():
    now = timezone.now()
    InboundEventFactory(state=InboundState.DONE)
    old = InboundEventFactory(state=InboundState.FAILED, received_at=now - timedelta(hours=2))
    new = InboundEventFactory(
        state=InboundState.FAILED,
        received_at=now,
        payload={"author_handle": "@jess", "author_name": "Jess", "text": "Hello", "kind": "mention"},
    )
    with assert_queries(1):
        events = selectors.inbound_events_failed(limit=5)
        fields = [(e.author, e.author_name, e.text, e.kind) for e in events]
    assert [e.pk for e in events] == [new.pk, old.pk]
    assert fields[0] == ("@jess", "Jess", "Hello", "mention")
    assert "payload" in events[0].get_deferred_fields()
    assert [e.pk for e in selectors.inbound_events_failed(limit=1)] == [new.pk]


def test_one_message_is_got_with_its_incident_number_or_not_found():
    message = InboundMessageFactory(incident=IncidentFactory())
    with assert_queries(1):
        got = selectors.message_get(pk=message.pk)
        assert (got.incident_number, got.identity) == (message.incident.number, message.identity)
    with pytest.raises(SocialMessage.DoesNotExist, match="No such message"):
        selectors.message_get(pk=message.pk + 1000)


def test_the_banner_lists_active_accounts_whose_token_was_refused_without_their_tokens():
    SocialAccountFactory(token_error="")
    SocialAccountFactory(token_error="Expired", active=False)
    refused = SocialAccountFactory(channel="facebook", handle="Desk page", token_error="Session expired")
    with assert_queries(1):
        accounts = selectors.accounts_with_token_errors()
    assert accounts == [refused]
    assert "page_access_token" in accounts[0].get_deferred_fields()


def test_the_api_list_joins_identity_score_and_incident_number():
    incident = IncidentFactory()
    scored = InboundMessageFactory(incident=incident)
    SentimentScore.objects.create(
        message=scored,
        score=-0.5,
        label="negative",
        model_version="test",
        compound=-0.5,
        positive=0.1,
        neutral=0.4,
        negative=0.5,
        scored_at=timezone.now(),
        channel=scored.channel,
        incident=incident,
        created_at=scored.created_at,
    )
    InboundMessageFactory()
    with assert_queries(1):
        rows = {
            m.pk: (m.identity.handle, getattr(m, "sentiment", None), m.incident_number)
            for m in selectors.message_list_for_api()
        }
    assert rows[scored.pk][1].compound == -0.5 and rows[scored.pk][2] == incident.number


def test_only_a_failed_answer_is_retryable():
    assert selectors.is_retryable(SocialMessageFactory.build(direction=Direction.OUTBOUND, state=MessageState.FAILED))
    assert not selectors.is_retryable(SocialMessageFactory.build(direction=Direction.OUTBOUND, state=MessageState.SENT))
    assert not selectors.is_retryable(
        SocialMessageFactory.build(direction=Direction.INBOUND, state=MessageState.FAILED)
    )
