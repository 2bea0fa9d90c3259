"""Every X payload of ../shared/fixtures, parsed: the Account Activity examples, the X Activity
API examples of its docs page, and the API v2 responses polling reads. Each one is either
handled or ignored on purpose; a new file or a new documented event type fails
`test_every_*_is_accounted_for` until it is given an expectation here."""

import json
import re

import pytest

from social.events import Action, InvalidPayload, Kind
from social.twitter.inbound import events_from_timeline, parse

# --- x_webhooks/*.json: Account Activity deliveries ---

# file → (action, kind, external_id, account_id, author_handle, thread_key, ignore_reason)
WEBHOOK_FILES = {
    "direct_message_events.json": (
        Action.CREATE,
        Kind.DM,
        "954491830116155396",
        "4337869213",
        "@furiouscamper",
        "dm:3001969357-4337869213",
        "",
    ),
    "direct_message_indicate_typing_events.json": (
        Action.IGNORE,
        Kind.OTHER,
        None,
        "4337869213",
        "",
        "",
        "typing indicator",
    ),
    "direct_message_mark_read_events.json": (Action.IGNORE, Kind.OTHER, None, "4337869213", "", "", "read receipt"),
    "tweet_delete_events.json": (Action.DELETE, Kind.OTHER, "1045405559317569537", "930524282358325248", "", "", ""),
    "user_event.json": (Action.IGNORE, Kind.OTHER, None, "63046977", "", "", "app access revoked by the user"),
}
NOT_PAYLOADS = {"twitter_crc_signature_test_vectors.json"}  # tested in test_signature.py


def test_every_webhook_file_is_accounted_for(shared_fixtures):
    files = {path.name for path in (shared_fixtures / "x_webhooks").glob("*.json")}
    assert files == set(WEBHOOK_FILES) | NOT_PAYLOADS


@pytest.mark.parametrize("name", WEBHOOK_FILES)
def test_it_parses_each_account_activity_file(shared_fixtures, name):
    payload = json.loads((shared_fixtures / "x_webhooks" / name).read_text())
    [event] = parse(payload)
    action, kind, external_id, account_id, handle, thread_key, reason = WEBHOOK_FILES[name]
    assert (event.action, event.kind, event.account_id, event.author_handle, event.thread_key) == (
        action,
        kind,
        account_id,
        handle,
        thread_key,
    )
    assert event.ignore_reason == reason
    if external_id:
        assert event.external_id == external_id
    assert event.raw  # kept for the record
    # Parsed again (a redelivery), it is the same event to the store.
    assert [e.dedup_key for e in parse(payload)] == [event.dedup_key]


def test_the_direct_message_file_in_detail(shared_fixtures):
    [event] = parse(json.loads((shared_fixtures / "x_webhooks" / "direct_message_events.json").read_text()))
    assert (event.author_id, event.author_name, event.text) == ("3001969357", "Jordan Brinks", "Hello World!")
    assert event.created_at.isoformat() == "2018-01-19T23:12:40.557000+00:00"


# --- x_webhooks/*.mdx: the documentation's examples ---


def json_blocks(path) -> list[str]:
    return re.findall(r"```json[^\n]*\n(.*?)```", path.read_text(), re.DOTALL)


def activity_examples(shared_fixtures) -> dict[str, dict]:
    examples = {}
    for block in json_blocks(shared_fixtures / "x_webhooks" / "x-api_activity_event-payloads.mdx"):
        payload = json.loads(block)
        examples.setdefault(payload["data"]["event_type"], []).append(payload)
    return examples


# event type → (action, kind, ignore_reason, mentions_account)
ACTIVITY_EVENTS = {
    "post.create": (Action.CREATE, Kind.POST, "", False),  # the account's own post
    "post.delete": (Action.DELETE, Kind.OTHER, "", False),
    "post.mention.create": (Action.CREATE, Kind.MENTION, "", True),
    "post.reply.create": (Action.CREATE, Kind.REPLY, "", True),
    "post.quote.create": (Action.CREATE, Kind.MENTION, "", True),
    "post.repost.create": (Action.IGNORE, Kind.OTHER, "retweet", True),
    "like.create": (Action.IGNORE, Kind.OTHER, "like", False),
    "follow.follow": (Action.IGNORE, Kind.OTHER, "follow", False),
    "follow.unfollow": (Action.IGNORE, Kind.OTHER, "follow", False),
    "profile.update.bio": (Action.IGNORE, Kind.OTHER, "profile update", False),
    "profile.update.profile_picture": (Action.IGNORE, Kind.OTHER, "profile update", False),
    "profile.update.banner_picture": (Action.IGNORE, Kind.OTHER, "profile update", False),
    "profile.update.screenname": (Action.IGNORE, Kind.OTHER, "profile update", False),
    "profile.update.geo": (Action.IGNORE, Kind.OTHER, "profile update", False),
    "profile.update.url": (Action.IGNORE, Kind.OTHER, "profile update", False),
    "chat.received": (
        Action.IGNORE,
        Kind.OTHER,
        "encrypted XChat event: its text cannot be read through the API",
        False,
    ),
    "chat.sent": (Action.IGNORE, Kind.OTHER, "encrypted XChat event: its text cannot be read through the API", False),
    "dm.sent": (Action.CREATE, Kind.DM, "", False),
    "dm.received": (Action.CREATE, Kind.DM, "", False),
    "news.new": (Action.IGNORE, Kind.OTHER, "news item", False),
    "spaces.start": (Action.IGNORE, Kind.OTHER, "Space started or ended", False),
    "spaces.end": (Action.IGNORE, Kind.OTHER, "Space started or ended", False),
    "broadcast.start": (Action.IGNORE, Kind.OTHER, "live broadcast", False),
    "broadcast.end": (Action.IGNORE, Kind.OTHER, "live broadcast", False),
    "broadcast.chat": (Action.IGNORE, Kind.OTHER, "live broadcast", False),
    "oauth.revoke": (Action.IGNORE, Kind.OTHER, "app access revoked by the user", False),
}


def test_every_documented_x_activity_event_is_accounted_for(shared_fixtures):
    assert set(activity_examples(shared_fixtures)) == set(ACTIVITY_EVENTS)


@pytest.mark.parametrize("event_type", ACTIVITY_EVENTS)
def test_it_parses_each_documented_x_activity_event(shared_fixtures, event_type):
    action, kind, reason, mentions_account = ACTIVITY_EVENTS[event_type]
    # The page opens with the bare envelope (post.create with an empty payload); the example
    # that follows is the real one.
    payload = activity_examples(shared_fixtures)[event_type][-1]
    [event] = parse(payload)
    assert (event.action, event.kind, event.ignore_reason, event.mentions_account) == (
        action,
        kind,
        reason,
        mentions_account,
    )
    assert event.account_id == payload["data"]["filter"].get("user_id", payload["data"]["payload"].get("user_id", ""))
    assert [e.dedup_key for e in parse(payload)] == [event.dedup_key]


def test_the_bare_envelope_of_the_docs_is_refused(shared_fixtures):
    envelope = activity_examples(shared_fixtures)["post.create"][0]
    assert envelope["data"]["payload"] == {}
    with pytest.raises(InvalidPayload, match=r"payload\.text"):
        parse(envelope)


def test_the_documented_mention_in_detail(shared_fixtures):
    [event] = parse(activity_examples(shared_fixtures)["post.mention.create"][-1])
    assert (event.external_id, event.author_id, event.author_handle, event.author_name) == (
        "2080765813578191303",
        "2222222222222222222",
        "@OtherUser",
        "OtherUser",
    )
    assert (event.text, event.thread_key, event.in_reply_to) == ("hey @ExampleUser", "2080765813578191303", "")
    assert event.url == "https://x.com/OtherUser/status/2080765813578191303"
    assert event.created_at.isoformat() == "2026-07-24T21:23:23+00:00"


def test_the_documented_reply_in_detail(shared_fixtures):
    [event] = parse(activity_examples(shared_fixtures)["post.reply.create"][-1])
    assert (event.in_reply_to, event.thread_key) == ("2080761390344937796", "2080761390344937796")


def test_the_documented_dms_in_detail(shared_fixtures):
    examples = activity_examples(shared_fixtures)
    [received] = parse(examples["dm.received"][-1])
    [sent] = parse(examples["dm.sent"][-1])
    assert (received.external_id, received.author_handle, received.text) == (
        "2080765901528535096",
        "@OtherUser",
        "hello!",
    )
    assert received.thread_key == "dm:1111111111111111111-2222222222222222222"
    # Sent by the account itself: kept, its author says so.
    assert sent.author_id == sent.account_id == "1111111111111111111"


def test_the_documented_delete_in_detail(shared_fixtures):
    [event] = parse(activity_examples(shared_fixtures)["post.delete"][-1])
    assert (event.external_id, event.dedup_key) == ("2080761269309813134", "delete:2080761269309813134")


# The introduction's examples put placeholders where X's objects go; ours fill them in.
TWEET_OBJECT = json.dumps(
    {
        "created_at": "Mon Mar 26 16:33:26 +0000 2018",
        "id_str": "977939014237327360",
        "text": "@XDevelopers my webhook stopped",
        "user": {"id_str": "3001969357", "screen_name": "furiouscamper", "name": "Jordan Brinks"},
        "entities": {"user_mentions": [{"id_str": "2244994945", "screen_name": "XDevelopers"}]},
    }
)[1:-1]
USER_OBJECT = json.dumps({"id_str": "3001969357", "screen_name": "furiouscamper", "name": "Jordan Brinks"})[1:-1]


def account_activity_examples(shared_fixtures) -> list[dict]:
    examples = []
    for block in json_blocks(shared_fixtures / "x_webhooks" / "x-api_account-activity_introduction.mdx"):
        block = block.replace("<Tweet Object>", TWEET_OBJECT).replace("<User Object>", USER_OBJECT)
        block = block.replace('"user": { ... }', '"user": {' + USER_OBJECT + "}")
        examples.append(json.loads(block))
    return examples


def test_it_parses_every_account_activity_example_of_the_docs(shared_fixtures):
    parsed = {}
    for payload in account_activity_examples(shared_fixtures):
        [event] = parse(payload)
        key = next(k for k in payload if k not in ("for_user_id", "user_has_blocked", "users", "apps"))
        parsed.setdefault(key, []).append((event.action, event.kind, event.ignore_reason))
    assert parsed == {
        "tweet_create_events": [
            (Action.CREATE, Kind.MENTION, ""),
            (Action.CREATE, Kind.MENTION, ""),  # the @mention example, user_has_blocked "false"
            (Action.CREATE, Kind.POST, ""),  # the long post, which mentions others
        ],
        "favorite_events": [(Action.IGNORE, Kind.OTHER, "like")],
        "follow_events": [(Action.IGNORE, Kind.OTHER, "follow")] * 2,
        "block_events": [(Action.IGNORE, Kind.OTHER, "block")] * 2,
        "mute_events": [(Action.IGNORE, Kind.OTHER, "mute")] * 2,
        "user_event": [(Action.IGNORE, Kind.OTHER, "app access revoked by the user")],
        "direct_message_events": [(Action.CREATE, Kind.DM, "")],
        "direct_message_indicate_typing_events": [(Action.IGNORE, Kind.OTHER, "typing indicator")],
        "direct_message_mark_read_events": [(Action.IGNORE, Kind.OTHER, "read receipt")],
        "tweet_delete_events": [(Action.DELETE, Kind.OTHER, "")],
    }


def test_the_long_post_of_the_docs_is_read_whole(shared_fixtures):
    long_post = next(
        p for p in account_activity_examples(shared_fixtures) if p.get("for_user_id") == "1603419180975409153"
    )
    [event] = parse(long_post)
    assert event.external_id == "1924465506158878979"  # id_str: "id" lost digits as a float
    assert event.text.startswith("The Antikythera Mechanism") and "Roman ship off the Greek island" in event.text
    assert event.author_handle == "@furiouscamper"


# --- API v2 responses: what polling reads ---


@pytest.mark.parametrize("cassette", ["test_client_get_users_mentions", "test_asyncclient_get_users_mentions"])
def test_it_reads_the_recorded_mentions_pages(recorded, cassette):
    status, page = recorded(cassette)
    events = events_from_timeline(page, account_id="783214", addressed=True)
    assert status == 200
    assert [event.external_id for event in events] == [tweet["id"] for tweet in page["data"]]
    assert {(event.action, event.kind, event.mentions_account) for event in events} == {
        (Action.CREATE, Kind.MENTION, True)
    }
    # Fields not asked for are absent: an event without an author or a time is still kept.
    assert events[0].author_id == "" and events[0].created_at is None
    assert events[0].url == f"https://x.com/i/web/status/{events[0].external_id}"


def test_it_reads_the_mentions_example(example):
    events = events_from_timeline(example("timeline_timeline_mentions"), account_id="2244994945", addressed=True)
    assert len(events) == 5
    assert events[0].created_at.isoformat() == "2021-02-24T02:13:43+00:00"


def test_it_reads_replies_with_their_includes(example):
    events = events_from_timeline(example("searches_search_tweets_query"), account_id="17200003", addressed=False)
    by_id = {event.external_id: event for event in events}
    reply = by_id["1276035977375477760"]
    assert (reply.kind, reply.in_reply_to, reply.thread_key) == (
        Kind.REPLY,
        "1275653067283759104",
        "1275653067283759104",
    )
    assert (reply.author_handle, reply.author_name) == ("@happycamper", "Emily Waligoske 🏕")
    # @snowman (17200003) is mentioned by handle only: found through includes.users.
    assert reply.mentions_account
    # snowman answering himself does not name himself.
    assert not by_id["1275882613572583424"].mentions_account


def test_it_reads_posts_with_their_authors(example):
    events = events_from_timeline(example("tweet_tweets_resp"), account_id="783214", addressed=False)
    assert [(e.author_handle, e.kind) for e in events] == [("@TwitterDev", Kind.POST), ("@Twitter", Kind.POST)]


def test_it_reads_the_v2_dm_example_in_an_x_activity_delivery(example):
    [dm] = example("dm_events_events")["data"]
    payload = {
        "data": {"event_type": "dm.received", "filter": {"user_id": "1"}, "payload": {"direct_message_events": [dm]}}
    }
    [event] = parse(payload)
    assert (event.kind, event.external_id, event.author_id) == (Kind.DM, "1585321444547837956", "906948460078698496")
    assert event.thread_key == "dm:1585094756761149440"


def test_a_video_the_example_gives_no_address_for_is_passed_over(example):
    # X's reference example asks for no media fields: the video has a key and a type only.
    response = example("tweet_tweet_resp")
    [event] = events_from_timeline(
        {"data": [response["data"]], "includes": response["includes"]}, account_id="2244994945", addressed=True
    )
    assert event.media == []
