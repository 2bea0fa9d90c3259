"""Answers out on X: threads, the self-serve rule, sending (X mocked at the HTTP boundary with
recorded answers), and finding a post whose answer never came back."""

import json
import re
from datetime import timedelta
from itertools import count
from urllib.parse import parse_qs, urlparse

import pytest
import requests
import responses
from django.utils import timezone

from social.errors import OutcomeUnknown, RateLimited, Rejected, TokenInvalid
from social.events import Kind
from social.models import Direction, MessageState, SocialMessage
from social.twitter.outbound import find_sent, rule_violation, same_text, send
from social.twitter.text import split_thread

from ..factories import SocialAccountFactory, SocialIdentityFactory, SocialMessageFactory
from .conftest import API, long_text


def reply(account, text="Thanks, we are on it.", **fields):
    fields.setdefault("in_reply_to", "2001")
    return SocialMessageFactory(account_external_id=account.external_id, kind=Kind.REPLY, text=text, **fields)


def inbound(account, **fields):
    return SocialMessageFactory(
        account_external_id=account.external_id,
        direction=Direction.INBOUND,
        kind=Kind.MENTION,
        external_id="2001",
        text="@Twitter help",
        **fields,
    )


def tweet_ids():
    """A create-tweet answer in the recorded shape, with a new id each time."""
    ids = count(1456012973835788293)

    def answer(request):
        body = json.loads(request.body)
        return 201, {}, json.dumps({"data": {"id": str(next(ids)), "text": body["text"]}})

    return answer


# --- Rules ---


def test_a_reply_to_a_mention_is_allowed(x_account):
    message = reply(x_account)
    assert (
        rule_violation(account=x_account, message=message, replying_to=inbound(x_account, mentions_account=True)) == ""
    )


def test_on_a_self_serve_tier_a_post_that_does_not_name_the_account_cannot_be_answered(x_account):
    message = reply(x_account)
    violation = rule_violation(account=x_account, message=message, replying_to=inbound(x_account))
    assert violation == (
        "X's self-serve API tiers only allow public replies to posts that mention or quote @Twitter, "
        "and this post does not. Answer by direct message, or ask them to mention @Twitter."
    )


def test_on_a_paid_tier_any_post_can_be_answered(x_account):
    x_account.self_serve_tier = False
    assert rule_violation(account=x_account, message=reply(x_account), replying_to=inbound(x_account)) == ""


def test_the_desks_own_posts_can_always_be_continued(x_account):
    own = inbound(x_account, state=MessageState.RECORDED)
    assert rule_violation(account=x_account, message=reply(x_account), replying_to=own) == ""
    earlier_answer = reply(x_account, external_id="3001", state=MessageState.SENT)
    assert rule_violation(account=x_account, message=reply(x_account), replying_to=earlier_answer) == ""


def test_a_post_we_never_stored_is_left_to_x(x_account):
    assert rule_violation(account=x_account, message=reply(x_account), replying_to=None) == ""


def test_a_deleted_post_cannot_be_answered(x_account):
    deleted = inbound(x_account, mentions_account=True, deleted=True)
    assert "deleted" in rule_violation(account=x_account, message=reply(x_account), replying_to=deleted)


def test_an_empty_answer_is_not_sent(x_account):
    assert rule_violation(account=x_account, message=reply(x_account, text="  "), replying_to=None) == (
        "There is nothing to send."
    )


def test_a_reply_needs_the_post_it_answers(x_account):
    message = reply(x_account, in_reply_to="")
    assert rule_violation(account=x_account, message=message, replying_to=None) == (
        "A public reply on X needs the post it answers."
    )


def test_an_essay_is_not_a_reply(x_account):
    violation = rule_violation(account=x_account, message=reply(x_account, text=long_text(30)), replying_to=None)
    assert violation.startswith("Too long for X: it would take")


def test_a_dm_can_always_be_sent_but_not_a_novel(x_account):
    dm = SocialMessageFactory(kind=Kind.DM, text="Hi")
    assert rule_violation(account=x_account, message=dm, replying_to=inbound(x_account)) == ""
    dm.text = "x" * 10_001
    assert rule_violation(account=x_account, message=dm, replying_to=None) == (
        "A direct message on X holds at most 10,000 characters; this one has 10,001."
    )


# --- Sending a reply ---


def test_it_posts_a_reply_and_records_its_id(x_account, x_api, recorded):
    status, body = recorded("test_client_create_and_delete_tweet", 0)
    x_api.post(f"{API}/tweets", json=body, status=status)
    message = reply(x_account)
    assert send(account=x_account, message=message) == ["1456012973835788293"]
    assert json.loads(x_api.calls[0].request.body) == {
        "text": "Thanks, we are on it.",
        "reply": {"in_reply_to_tweet_id": "2001"},
    }
    message.refresh_from_db()
    assert message.parts == ["1456012973835788293"]


def test_a_long_answer_goes_out_as_a_chained_thread(x_account, x_api):
    x_api.add_callback(responses.POST, f"{API}/tweets", callback=tweet_ids())
    message = reply(x_account, text=long_text(2.5))
    ids = send(account=x_account, message=message)
    assert ids == ["1456012973835788293", "1456012973835788294", "1456012973835788295"]
    posted = [json.loads(call.request.body) for call in x_api.calls]
    assert [post["text"][:4] for post in posted] == ["1/3 ", "2/3 ", "3/3 "]
    # Each part answers the one before; the first answers the customer's post.
    assert [post["reply"]["in_reply_to_tweet_id"] for post in posted] == ["2001", ids[0], ids[1]]
    message.refresh_from_db()
    assert message.parts == ids


def test_a_thread_broken_off_resumes_after_the_last_part_posted(x_account, x_api):
    answers = tweet_ids()
    x_api.add_callback(responses.POST, f"{API}/tweets", callback=answers)
    x_api.post(f"{API}/tweets", json={"title": "Service Unavailable"}, status=503)
    message = reply(x_account, text=long_text(2.5))
    with pytest.raises(OutcomeUnknown):
        send(account=x_account, message=message)
    stored = SocialMessage.objects.get(pk=message.pk)
    assert stored.parts == ["1456012973835788293"]  # saved before the failure, not lost with it

    x_api.reset()
    x_api.add_callback(responses.POST, f"{API}/tweets", callback=answers)
    ids = send(account=x_account, message=stored)
    posted = [json.loads(call.request.body) for call in x_api.calls]
    assert [post["text"][:4] for post in posted] == ["2/3 ", "3/3 "]  # part 1 is never posted again
    assert posted[0]["reply"]["in_reply_to_tweet_id"] == "1456012973835788293"
    assert ids == ["1456012973835788293", "1456012973835788294", "1456012973835788295"]


def test_a_message_already_out_is_not_sent_again(x_account, x_api):
    message = reply(x_account, parts=["1456012973835788293"])
    assert send(account=x_account, message=message) == ["1456012973835788293"]
    assert len(x_api.calls) == 0


def test_sending_into_a_rate_limit_says_when_to_retry(x_account, x_api):
    reset = int((timezone.now() + timedelta(minutes=9)).timestamp())
    x_api.post(
        f"{API}/tweets",
        json={"title": "Too Many Requests", "status": 429},
        status=429,
        headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
    )
    with pytest.raises(RateLimited) as raised:
        send(account=x_account, message=reply(x_account))
    assert int(raised.value.retry_at.timestamp()) == reset


def test_sending_with_a_revoked_token(x_account, x_api):
    x_api.post(f"{API}/tweets", json={"title": "Unauthorized", "status": 401, "detail": "Unauthorized"}, status=401)
    with pytest.raises(TokenInvalid):
        send(account=x_account, message=reply(x_account))


def test_sending_what_x_refuses(x_account, x_api):
    detail = "You are not allowed to create a Tweet with duplicate content."
    x_api.post(f"{API}/tweets", json={"title": "Forbidden", "status": 403, "detail": detail}, status=403)
    message = reply(x_account)
    with pytest.raises(Rejected, match=re.escape(detail)):
        send(account=x_account, message=message)
    message.refresh_from_db()
    assert message.parts == []


def test_sending_into_a_timeout(x_account, x_api):
    x_api.post(f"{API}/tweets", body=requests.ReadTimeout("Read timed out."))
    with pytest.raises(OutcomeUnknown):
        send(account=x_account, message=reply(x_account))


def test_without_an_access_token_nothing_is_sent(db, x_api):
    account = SocialAccountFactory(external_id="783214", credentials=True, access_token="")
    with pytest.raises(TokenInvalid, match="No X access token is configured"):
        send(account=account, message=reply(account))
    assert len(x_api.calls) == 0


def test_a_2xx_without_an_id_is_an_unknown_outcome(x_account, x_api):
    x_api.post(f"{API}/tweets", json={"errors": [{"message": "odd"}]}, status=201)
    with pytest.raises(OutcomeUnknown):
        send(account=x_account, message=reply(x_account))


# --- Sending a DM ---


def test_it_sends_a_dm_to_the_person(x_account, x_api, recorded):
    status, body = recorded("test_manage_and_lookup_direct_messages", 0)
    x_api.post(f"{API}/dm_conversations/with/750362064426721281/messages", json=body, status=status)
    person = SocialIdentityFactory(external_id="750362064426721281")
    message = SocialMessageFactory(kind=Kind.DM, identity=person, text="Testing 1")
    assert send(account=x_account, message=message) == ["1585800613253812228"]
    assert json.loads(x_api.calls[0].request.body) == {"text": "Testing 1"}
    message.refresh_from_db()
    assert message.parts == ["1585800613253812228"]


def test_without_the_person_it_sends_to_the_conversation(x_account, x_api, recorded):
    status, body = recorded("test_manage_and_lookup_direct_messages", 1)
    x_api.post(f"{API}/dm_conversations/750362064426721281-1072250532645998596/messages", json=body, status=status)
    message = SocialMessageFactory(
        kind=Kind.DM, text="Testing 2", thread_key="dm:750362064426721281-1072250532645998596"
    )
    assert send(account=x_account, message=message) == ["1585800613752881156"]


def test_a_dm_to_nobody_is_refused(x_account, x_api):
    with pytest.raises(Rejected, match="someone to send it to"):
        send(account=x_account, message=SocialMessageFactory(kind=Kind.DM, text="Hi"))


def test_a_dm_already_sent_is_not_sent_again(x_account, x_api):
    message = SocialMessageFactory(kind=Kind.DM, text="Hi", parts=["1585800613253812228"], thread_key="dm:1-2")
    assert send(account=x_account, message=message) == ["1585800613253812228"]
    assert len(x_api.calls) == 0


# --- Finding what was sent after all ---


def users_tweets_url(account):
    return f"{API}/users/{account.external_id}/tweets"


def posted(tweet_id, text, answering):
    return {"id": tweet_id, "text": text, "referenced_tweets": [{"type": "replied_to", "id": answering}]}


def test_it_finds_a_reply_that_went_out_after_all(x_account, x_api):
    message = reply(x_account, text="Sorry for the wait & thanks: https://status.example.com/mail")
    page = {
        "data": [
            posted("3003", "@jess Other answer", "1999"),
            # As X shows it: the handle in front, & escaped, the link wrapped.
            posted("3002", "@jess Sorry for the wait &amp; thanks: https://t.co/AbCdEf", "2001"),
        ],
        "meta": {"result_count": 2, "newest_id": "3003", "oldest_id": "3002"},
    }
    x_api.get(users_tweets_url(x_account), json=page)
    assert find_sent(account=x_account, message=message) == ["3002"]
    query = parse_qs(urlparse(x_api.calls[0].request.url).query)
    assert query["start_time"] == [(message.created_at - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")]
    message.refresh_from_db()
    assert message.parts == ["3002"]


def test_it_finds_nothing_among_posts_that_answer_something_else(x_account, x_api, recorded):
    status, page = recorded("test_client_get_users_tweets", 0)
    x_api.get(users_tweets_url(x_account), json={**page, "meta": {**page["meta"], "next_token": None}}, status=status)
    assert find_sent(account=x_account, message=reply(x_account)) == []


def test_it_finds_nothing_when_nothing_was_posted(x_account, x_api):
    x_api.get(users_tweets_url(x_account), json={"meta": {"result_count": 0}})
    assert find_sent(account=x_account, message=reply(x_account)) == []


def test_it_reads_on_to_the_next_page(x_account, x_api):
    message = reply(x_account)
    x_api.get(
        users_tweets_url(x_account),
        json={"data": [posted("3011", message.text, "2001")], "meta": {"result_count": 1}},
        match=[responses.matchers.query_param_matcher({"pagination_token": "p2"}, strict_match=False)],
    )
    x_api.get(
        users_tweets_url(x_account),
        json={"data": [posted("3010", "unrelated", "1")], "meta": {"result_count": 1, "next_token": "p2"}},
    )
    assert find_sent(account=x_account, message=message) == ["3011"]
    assert len(x_api.calls) == 2


def test_half_a_thread_found_is_recorded_and_the_rest_is_sent_after_it(x_account, x_api):
    message = reply(x_account, text=long_text(1.5))
    first, second = split_thread(message.text)
    x_api.get(users_tweets_url(x_account), json={"data": [posted("3020", first, "2001")], "meta": {"result_count": 1}})
    assert find_sent(account=x_account, message=message) == []
    message.refresh_from_db()
    assert message.parts == ["3020"]

    x_api.reset()
    x_api.add_callback(responses.POST, f"{API}/tweets", callback=tweet_ids())
    assert send(account=x_account, message=message) == ["3020", "1456012973835788293"]
    assert json.loads(x_api.calls[0].request.body) == {"text": second, "reply": {"in_reply_to_tweet_id": "3020"}}


def test_it_finds_a_dm_that_went_out_after_all(x_account, x_api, example):
    person = SocialIdentityFactory(external_id="906948460078698496")
    message = SocialMessageFactory(kind=Kind.DM, identity=person, text="Please send us a photo")
    [other] = example("dm_events_events_by_participant")["data"]  # from them, not us
    ours = {**other, "id": "1585321444547837999", "text": "Please send us a photo", "sender_id": "783214"}
    ours["created_at"] = timezone.now().strftime("%Y-%m-%dT%H:%M:%S.000Z")
    x_api.get(
        f"{API}/dm_conversations/with/906948460078698496/dm_events",
        json={"data": [ours, other], "meta": {"result_count": 2}},
    )
    assert find_sent(account=x_account, message=message) == ["1585321444547837999"]


def test_an_old_dm_with_the_same_words_is_not_this_one(x_account, x_api, example):
    person = SocialIdentityFactory(external_id="906948460078698496")
    message = SocialMessageFactory(kind=Kind.DM, identity=person, text="Another photo https://t.co/J5KotyeIyd")
    [event] = example("dm_events_events_by_participant")["data"]
    x_api.get(
        f"{API}/dm_conversations/with/906948460078698496/dm_events",
        json={"data": [{**event, "sender_id": "783214"}], "meta": {"result_count": 1}},
    )
    assert find_sent(account=x_account, message=message) == []  # sent in 2022


@pytest.mark.parametrize(
    ("posted_text", "intended", "same"),
    [
        ("@jess @sam Fixed &amp; closed", "Fixed & closed", True),
        ("Fixed: https://t.co/abc", "Fixed: https://example.com/a/very/long/link", True),
        ("Fixed\n\nnow", "Fixed now", True),
        ("Fixed now", "Fixed later", False),
        ("@jess Thanks", "@jess Thanks", True),
    ],
)
def test_same_text_sees_through_what_x_does_to_a_post(posted_text, intended, same):
    assert same_text(posted_text, intended) is same
