"""Parsing our own small payloads, in the shapes X sends: the cases that decide kinds and
threads, and the malformed ones. The recorded and documented payloads are in
test_inbound_fixtures.py."""

import copy
import re
from datetime import UTC, datetime

import pytest

from social.events import Action, InvalidPayload, Kind, ParsedEvent
from social.twitter.inbound import dm_thread_key, events_from_timeline, parse

ACCOUNT = "1111"  # the desk's X account
JESS = "3001"


def v1_tweet(tweet_id="2001", text="@desk my laptop will not boot", *, user_id=JESS, screen_name="jess", **fields):
    """A v1.1 tweet as the Account Activity API delivers it."""
    tweet = {
        "created_at": "Wed Oct 10 20:19:24 +0000 2018",
        "id": int(tweet_id),
        "id_str": tweet_id,
        "text": text,
        "truncated": False,
        "user": {"id": int(user_id), "id_str": user_id, "name": "Jess Doe", "screen_name": screen_name},
        "entities": {"hashtags": [], "urls": [], "user_mentions": [], "symbols": []},
        "in_reply_to_status_id": None,
        "in_reply_to_status_id_str": None,
        "in_reply_to_user_id": None,
        "in_reply_to_user_id_str": None,
    }
    tweet.update(fields)
    return tweet


def mentioning(tweet, user_id=ACCOUNT, screen_name="desk"):
    tweet["entities"]["user_mentions"].append(
        {"screen_name": screen_name, "name": "Service desk", "id": int(user_id), "id_str": user_id, "indices": [0, 5]}
    )
    return tweet


def account_activity(key, *items, **context):
    return {"for_user_id": ACCOUNT, key: list(items), **context}


def activity(event_type, payload, *, includes=None, user_id=ACCOUNT):
    """An X Activity API delivery."""
    event = {"event_uuid": "123", "filter": {"user_id": user_id}, "event_type": event_type, "payload": payload}
    if includes is not None:
        event["includes"] = includes
    return {"data": event}


def v2_post(post_id="2090", text="hello @desk", *, author_id=JESS, **fields):
    return {"id": post_id, "text": text, "author_id": author_id, "created_at": "2026-07-24T21:23:23.000Z", **fields}


def only(events: list[ParsedEvent]) -> ParsedEvent:
    assert len(events) == 1, events
    return events[0]


# --- Account Activity tweets ---


def test_it_reads_a_mention():
    tweet = mentioning(v1_tweet())
    event = only(parse(account_activity("tweet_create_events", tweet)))
    assert event.channel == "twitter"
    assert event.account_id == ACCOUNT
    assert event.external_id == "2001"
    assert (event.action, event.kind, event.mentions_account) == (Action.CREATE, Kind.MENTION, True)
    assert (event.author_id, event.author_handle, event.author_name) == (JESS, "@jess", "Jess Doe")
    assert event.text == "@desk my laptop will not boot"
    assert event.created_at == datetime(2018, 10, 10, 20, 19, 24, tzinfo=UTC)
    assert event.thread_key == "2001"  # it starts its own conversation
    assert event.in_reply_to == ""
    assert event.url == "https://x.com/jess/status/2001"
    assert event.raw == tweet


def test_it_reads_a_reply_to_the_account_as_a_reply_that_names_it():
    tweet = mentioning(
        v1_tweet(
            "2002",
            "@desk still broken",
            in_reply_to_status_id=1999,
            in_reply_to_status_id_str="1999",
            in_reply_to_user_id_str=ACCOUNT,
        )
    )
    event = only(parse(account_activity("tweet_create_events", tweet)))
    assert (event.kind, event.in_reply_to, event.mentions_account) == (Kind.REPLY, "1999", True)
    # No conversation id in v1.1: the post it answers ties the thread.
    assert event.thread_key == "1999"


def test_a_reply_to_the_account_names_it_even_when_x_leaves_the_mention_out():
    tweet = v1_tweet("2003", "thanks!", in_reply_to_status_id_str="1999", in_reply_to_user_id_str=ACCOUNT)
    event = only(parse(account_activity("tweet_create_events", tweet)))
    assert (event.kind, event.mentions_account) == (Kind.REPLY, True)


def test_a_reply_between_others_does_not_name_the_account():
    tweet = v1_tweet("2004", "@sam same here", in_reply_to_status_id_str="1998", in_reply_to_user_id_str="4001")
    event = only(parse(account_activity("tweet_create_events", tweet)))
    assert (event.kind, event.in_reply_to, event.mentions_account) == (Kind.REPLY, "1998", False)


def test_it_reads_the_whole_text_of_a_long_tweet():
    full = "@desk " + "the VPN drops every ten minutes " * 10
    tweet = mentioning(
        v1_tweet(
            "2005",
            full[:137] + "…",
            truncated=True,
            extended_tweet={"full_text": full, "entities": {"user_mentions": [{"id_str": ACCOUNT}]}},
        )
    )
    tweet["entities"]["user_mentions"] = []  # in a truncated tweet, they are in extended_tweet
    event = only(parse(account_activity("tweet_create_events", tweet)))
    assert event.text == full
    assert event.mentions_account


def test_it_ignores_a_retweet():
    original = mentioning(v1_tweet("1990", "@desk is down?", user_id="4001", screen_name="sam"))
    retweet = mentioning(v1_tweet("2006", "RT @sam: @desk is down?", retweeted_status=original))
    event = only(parse(account_activity("tweet_create_events", retweet)))
    assert (event.action, event.kind, event.ignore_reason) == (Action.IGNORE, Kind.OTHER, "retweet")
    assert event.dedup_key == "ignore:2006"


def test_a_quote_of_the_accounts_post_names_it():
    quoted = v1_tweet("1980", "Scheduled maintenance tonight", user_id=ACCOUNT, screen_name="desk")
    tweet = v1_tweet("2007", "again?!", is_quote_status=True, quoted_status=quoted)
    event = only(parse(account_activity("tweet_create_events", tweet)))
    assert (event.kind, event.mentions_account) == (Kind.MENTION, True)


def test_a_quote_of_someone_else_does_not_name_the_account():
    quoted = v1_tweet("1981", "news", user_id="4001", screen_name="sam")
    tweet = v1_tweet("2008", "wow", is_quote_status=True, quoted_status=quoted)
    event = only(parse(account_activity("tweet_create_events", tweet)))
    assert (event.kind, event.mentions_account) == (Kind.POST, False)


def test_it_keeps_the_accounts_own_posts():
    tweet = v1_tweet("2009", "All systems normal again.", user_id=ACCOUNT, screen_name="desk")
    event = only(parse(account_activity("tweet_create_events", tweet)))
    assert (event.action, event.kind, event.author_id) == (Action.CREATE, Kind.POST, ACCOUNT)
    assert event.url == "https://x.com/desk/status/2009"


def test_it_keeps_the_accounts_own_replies():
    tweet = v1_tweet(
        "2010",
        "@jess fixed now",
        user_id=ACCOUNT,
        screen_name="desk",
        in_reply_to_status_id_str="2001",
        in_reply_to_user_id_str=JESS,
    )
    event = only(parse(account_activity("tweet_create_events", tweet)))
    assert (event.action, event.kind, event.author_id, event.in_reply_to) == (
        Action.CREATE,
        Kind.REPLY,
        ACCOUNT,
        "2001",
    )
    assert not event.mentions_account


def test_it_ignores_a_mention_by_someone_the_account_blocked():
    payload = account_activity("tweet_create_events", mentioning(v1_tweet()), user_has_blocked="true")
    event = only(parse(payload))
    assert (event.action, event.ignore_reason) == (Action.IGNORE, "author is blocked by the account")


def test_user_has_blocked_false_changes_nothing():
    payload = account_activity("tweet_create_events", mentioning(v1_tweet()), user_has_blocked="false")
    assert only(parse(payload)).action == Action.CREATE


def test_it_parses_for_an_account_we_do_not_answer_for():
    # The pipeline decides what to do with other accounts' events; parsing keeps them.
    payload = account_activity("tweet_create_events", v1_tweet())
    payload["for_user_id"] = "987654321"
    assert only(parse(payload)).account_id == "987654321"


def test_it_reads_every_event_of_a_delivery_in_order():
    payload = account_activity("tweet_create_events", mentioning(v1_tweet("2011")), mentioning(v1_tweet("2012")))
    assert [event.external_id for event in parse(payload)] == ["2011", "2012"]


def test_it_reads_a_delete():
    payload = account_activity(
        "tweet_delete_events", {"status": {"id": "2001", "user_id": JESS}, "timestamp_ms": "1432228155593"}
    )
    event = only(parse(payload))
    assert (event.action, event.external_id, event.author_id) == (Action.DELETE, "2001", JESS)
    assert event.dedup_key == "delete:2001"


# --- Direct messages ---


def legacy_dm(dm_id, sender, recipient, text="Hello"):
    return {
        "type": "message_create",
        "id": dm_id,
        "created_timestamp": "1516403560557",
        "message_create": {
            "target": {"recipient_id": recipient},
            "sender_id": sender,
            "message_data": {
                "text": text,
                "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
            },
        },
    }


USERS = {
    JESS: {"id": JESS, "name": "Jess Doe", "screen_name": "jess"},
    ACCOUNT: {"id": ACCOUNT, "name": "Service desk", "screen_name": "desk"},
}


def test_a_dm_and_its_answer_share_one_thread():
    received = only(parse(account_activity("direct_message_events", legacy_dm("5001", JESS, ACCOUNT), users=USERS)))
    sent = only(parse(account_activity("direct_message_events", legacy_dm("5002", ACCOUNT, JESS), users=USERS)))
    assert (received.kind, received.author_id, received.author_handle) == (Kind.DM, JESS, "@jess")
    # DMs sent by the account are kept too (sent from another client): author tells them apart.
    assert (sent.kind, sent.author_id, sent.author_handle) == (Kind.DM, ACCOUNT, "@desk")
    assert received.thread_key == sent.thread_key == f"dm:{ACCOUNT}-{JESS}"
    assert received.url == ""
    assert received.created_at == datetime(2018, 1, 19, 23, 12, 40, 557000, tzinfo=UTC)


def test_a_dm_thread_key_is_x_s_conversation_id():
    # X's one-to-one dm_conversation_id orders the ids as numbers (a recorded one:
    # "750362064426721281-1072250532645998596"), not as strings.
    key = dm_thread_key(sender_id="1072250532645998596", recipient_id="750362064426721281")
    assert key == "dm:750362064426721281-1072250532645998596"


def test_it_reads_a_dm_of_the_x_activity_api_in_the_v2_shape():
    dm = {
        "id": "5003",
        "event_type": "MessageCreate",
        "text": "Printer jam",
        "sender_id": JESS,
        "dm_conversation_id": f"{ACCOUNT}-{JESS}",
        "created_at": "2022-10-26T17:24:21.000Z",
    }
    payload = activity("dm.received", {"direct_message_events": [dm], "users": {JESS: {"data": USERS[JESS]}}})
    event = only(parse(payload))
    assert (event.kind, event.external_id, event.text) == (Kind.DM, "5003", "Printer jam")
    assert event.thread_key == f"dm:{ACCOUNT}-{JESS}"
    assert event.author_name == "Jess Doe"


def test_it_ignores_a_dm_event_that_is_not_a_message():
    dm = {"id": "5004", "event_type": "ParticipantsJoin", "dm_conversation_id": "77"}
    event = only(parse(activity("dm.received", {"direct_message_events": [dm]})))
    assert (event.action, event.ignore_reason) == (Action.IGNORE, "DM event ParticipantsJoin")


# --- X Activity API posts ---


def test_a_reply_is_threaded_by_its_conversation():
    post = v2_post(
        "2091",
        "@desk still waiting",
        conversation_id="2050",
        in_reply_to_user_id=ACCOUNT,
        referenced_tweets=[{"type": "replied_to", "id": "2080"}],
    )
    event = only(parse(activity("post.reply.create", post)))
    assert (event.kind, event.in_reply_to, event.thread_key, event.mentions_account) == (
        Kind.REPLY,
        "2080",
        "2050",
        True,
    )


def test_without_a_conversation_id_the_replied_post_ties_the_thread():
    post = v2_post("2092", "@desk hi", referenced_tweets=[{"type": "replied_to", "id": "2080"}])
    assert only(parse(activity("post.mention.create", post))).thread_key == "2080"


def test_a_post_answering_nothing_starts_its_own_thread():
    assert only(parse(activity("post.mention.create", v2_post("2093")))).thread_key == "2093"


def test_it_finds_the_author_and_the_accounts_handle_in_includes():
    post = v2_post("2094", "hey @Desk", entities={"mentions": [{"start": 4, "end": 9, "username": "Desk"}]})
    includes = {
        "users": [
            {"id": JESS, "username": "jess", "name": "Jess Doe"},
            {"data": {"id": ACCOUNT, "username": "desk", "name": "Service desk"}},
        ]
    }
    # post.create says nothing about mentions: the mention is found by the account's handle.
    event = only(parse(activity("post.create", post, includes=includes)))
    assert (event.kind, event.mentions_account) == (Kind.MENTION, True)
    assert (event.author_handle, event.author_name) == ("@jess", "Jess Doe")
    assert event.url == "https://x.com/jess/status/2094"


def test_a_post_whose_author_is_unknown_gets_a_url_all_the_same():
    event = only(parse(activity("post.mention.create", v2_post("2095"))))
    assert event.url == "https://x.com/i/web/status/2095"


def test_it_reads_the_whole_text_of_a_long_post():
    long_text = "The VPN drops every ten minutes. " * 20
    post = v2_post("2096", long_text[:270] + "…", note_tweet={"text": long_text})
    assert only(parse(activity("post.mention.create", post))).text == long_text


def test_a_quote_of_the_accounts_post_names_it_in_v2():
    post = v2_post("2097", "look at this", referenced_tweets=[{"type": "quoted", "id": "1980"}])
    includes = {"tweets": [{"id": "1980", "author_id": ACCOUNT, "text": "Maintenance tonight"}]}
    event = only(parse(activity("post.create", post, includes=includes)))
    assert (event.kind, event.mentions_account) == (Kind.MENTION, True)


def test_it_ignores_a_repost_in_v2():
    post = v2_post("2098", "RT @desk: ok", referenced_tweets=[{"type": "retweeted", "id": "1980"}])
    event = only(parse(activity("post.create", post)))
    assert (event.action, event.kind, event.ignore_reason) == (Action.IGNORE, Kind.OTHER, "retweet")


def test_it_reads_a_delivery_of_several_events():
    payload = {"data": [activity("post.mention.create", v2_post("2101"))["data"], activity("like.create", {})["data"]]}
    assert [(event.external_id, event.action) for event in parse(payload)] == [
        ("2101", Action.CREATE),
        ("like.create:123", Action.IGNORE),
    ]


# --- Well-formed, nothing to do ---


def test_an_unknown_account_activity_event_is_stored_and_ignored():
    payload = {"for_user_id": ACCOUNT, "poll_vote_events": [{"id": "9", "choice": 1}]}
    event = only(parse(payload))
    assert (event.action, event.ignore_reason) == (Action.IGNORE, "unknown event type poll_vote_events")
    assert event.external_id == "poll_vote_events:9"


def test_an_unknown_x_activity_event_is_stored_and_ignored():
    event = only(parse(activity("post.bookmark.create", {"id": "42"})))
    assert (event.action, event.kind, event.ignore_reason) == (
        Action.IGNORE,
        Kind.OTHER,
        "unknown event type post.bookmark.create",
    )


def test_an_ignored_event_has_the_same_key_when_delivered_again():
    payload = account_activity(
        "follow_events", {"type": "follow", "created_timestamp": "1517588749178", "source": {}, "target": {}}
    )
    first, again = only(parse(payload)), only(parse(copy.deepcopy(payload)))
    assert (first.action, first.ignore_reason) == (Action.IGNORE, "follow")
    assert first.dedup_key == again.dedup_key


def test_two_different_ignored_events_have_different_keys():
    typing = {"created_timestamp": "1518127183443", "sender_id": JESS, "target": {"recipient_id": ACCOUNT}}
    later = {**typing, "created_timestamp": "1518127183999"}
    events = parse(account_activity("direct_message_indicate_typing_events", typing, later))
    assert len({event.dedup_key for event in events}) == 2


def test_a_parsed_event_survives_its_trip_through_json():
    event = only(parse(account_activity("tweet_create_events", mentioning(v1_tweet()))))
    assert ParsedEvent.from_json(event.to_json()) == event


# --- Malformed: refused with the reason ---


def _tweet_without(field):
    tweet = v1_tweet()
    del tweet[field]
    return tweet


MALFORMED = {
    "no format": ({"hello": "world"}, "Neither an Account Activity payload"),
    "for_user_id not an id": ({"for_user_id": 12.5, "tweet_create_events": []}, "for_user_id must be an X id"),
    "no event at all": ({"for_user_id": ACCOUNT}, "carries no event"),
    "events not a list": ({"for_user_id": ACCOUNT, "tweet_create_events": {}}, "tweet_create_events must be a list"),
    "tweet not an object": (
        account_activity("tweet_create_events", "2001"),
        "tweet_create_events[0] must be an object",
    ),
    "tweet without id": (
        account_activity("tweet_create_events", {k: v for k, v in v1_tweet().items() if k not in ("id", "id_str")}),
        "tweet_create_events[0].id_str must be an X id",
    ),
    "tweet id not digits": (account_activity("tweet_create_events", v1_tweet(id_str="abc")), "X id (digits)"),
    "tweet without user": (account_activity("tweet_create_events", _tweet_without("user")), "user must be an object"),
    "tweet text not a string": (account_activity("tweet_create_events", v1_tweet(text=42)), "text must be a string"),
    "tweet with a bad date": (
        account_activity("tweet_create_events", v1_tweet(created_at="yesterday")),
        "created_at is not a time",
    ),
    "truncated without full text": (
        account_activity("tweet_create_events", v1_tweet(truncated=True, extended_tweet={})),
        "extended_tweet.full_text must be a string",
    ),
    "dm without sender": (
        account_activity(
            "direct_message_events",
            {"type": "message_create", "id": "5", "message_create": {"target": {"recipient_id": ACCOUNT}}},
        ),
        "message_create.sender_id must be an X id",
    ),
    "dm without target": (
        account_activity(
            "direct_message_events", {"type": "message_create", "id": "5", "message_create": {"sender_id": JESS}}
        ),
        "message_create.target must be an object",
    ),
    "dm of no known shape": (account_activity("direct_message_events", {"id": "5"}), "needs message_create"),
    "delete without status": (account_activity("tweet_delete_events", {"timestamp_ms": "1"}), "status must be"),
    "users not an object": ({**account_activity("tweet_create_events", v1_tweet()), "users": []}, "users must be"),
    "envelope not an object": ({"data": "post.create"}, "data must be an object"),
    "envelope without event_type": ({"data": {"payload": {}}}, "data.event_type is missing"),
    "envelope without payload": ({"data": {"event_type": "post.create"}}, "data.payload must be an object"),
    "filter user not an id": (activity("post.create", v2_post(), user_id="me"), "filter.user_id must be an X id"),
    "post without text": (activity("post.create", {"id": "1"}), "payload.text must be a string"),
    "post without id": (activity("post.create", {"text": "hi"}), "payload.id must be an X id"),
    "post with a bad reference": (
        activity("post.create", v2_post(referenced_tweets={"type": "replied_to"})),
        "referenced_tweets must be a list",
    ),
    "post with bad includes": (activity("post.create", v2_post(), includes={"users": {}}), "includes.users must be"),
    "delete without id": (activity("post.delete", {"author_id": JESS}), "payload.id must be an X id"),
    "dm delivery without events": (activity("dm.received", {}), "direct_message_events must be a list"),
    "revoke without user": ({"user_event": {"revoke": {"source": {}}}}, "source.user_id must be an X id"),
}


@pytest.mark.parametrize(("payload", "reason"), MALFORMED.values(), ids=MALFORMED.keys())
def test_it_refuses_a_malformed_delivery_with_the_reason(payload, reason):
    with pytest.raises(InvalidPayload, match=re.escape(reason)):
        parse(payload)


def test_it_refuses_what_is_not_an_object():
    with pytest.raises(InvalidPayload):
        parse(["not", "an", "object"])


# --- Timelines (polling) ---


def test_every_post_of_the_mentions_timeline_names_the_account():
    page = {
        "data": [
            v2_post("2201", "@desk help", conversation_id="2201"),
            v2_post("2202", "@desk @sam same", conversation_id="2150", in_reply_to_user_id="4001"),
        ],
        "includes": {"users": [{"id": JESS, "username": "jess", "name": "Jess Doe"}]},
        "meta": {"result_count": 2, "newest_id": "2202", "oldest_id": "2201"},
    }
    events = events_from_timeline(page, account_id=ACCOUNT, addressed=True)
    assert [(e.external_id, e.kind, e.mentions_account, e.thread_key) for e in events] == [
        ("2201", Kind.MENTION, True, "2201"),
        ("2202", Kind.MENTION, True, "2150"),
    ]
    assert events[0].raw == page["data"][0]


def test_an_empty_timeline_has_no_data():
    assert events_from_timeline({"meta": {"result_count": 0}}, account_id=ACCOUNT, addressed=True) == []


# --- edits: X gives the edited post a new id; the desk knows it by the original's ---


def test_an_edited_tweet_is_an_edit_of_the_original():
    tweet = mentioning(v1_tweet("2002", "@desk my laptop will not boot (since 9am)"))
    tweet["edit_history"] = {"initial_tweet_id": "2001", "edit_tweet_ids": ["2001", "2002"]}
    event = only(parse(account_activity("tweet_create_events", tweet)))
    assert (event.action, event.external_id, event.text) == (
        Action.EDIT,
        "2001",
        "@desk my laptop will not boot (since 9am)",
    )


def test_an_edited_v2_post_is_an_edit_of_the_original_and_an_unedited_one_is_not():
    edited = v2_post("2095", "hello @desk, updated", edit_history_tweet_ids=["2090", "2095"])
    unedited = v2_post("2096", "hello @desk", edit_history_tweet_ids=["2096"])
    events = events_from_timeline({"data": [edited, unedited]}, account_id=ACCOUNT, addressed=True)
    assert [(e.action, e.external_id) for e in events] == [(Action.EDIT, "2090"), (Action.CREATE, "2096")]


# --- Photos and videos ---


def test_a_v1_tweets_photos_and_best_video_are_its_media():
    # X's documented extended_entities: a photo, and a video whose best MP4 is the one kept.
    tweet = mentioning(
        v1_tweet(
            extended_entities={
                "media": [
                    {"type": "photo", "media_url_https": "https://pbs.twimg.com/media/C9zUHf0UwAAyHbB.jpg"},
                    {
                        "type": "video",
                        "media_url_https": "https://pbs.twimg.com/ext_tw_video_thumb/8/pu/img/thumb.jpg",
                        "video_info": {
                            "variants": [
                                {
                                    "bitrate": 256000,
                                    "content_type": "video/mp4",
                                    "url": "https://video.twimg.com/a/low.mp4",
                                },
                                {"content_type": "application/x-mpegURL", "url": "https://video.twimg.com/a/pl.m3u8"},
                                {
                                    "bitrate": 2176000,
                                    "content_type": "video/mp4",
                                    "url": "https://video.twimg.com/a/hi.mp4",
                                },
                            ]
                        },
                    },
                ]
            }
        )
    )

    event = only(parse(account_activity("tweet_create_events", tweet)))

    assert [(m.url, m.name, m.content_type) for m in event.media] == [
        ("https://pbs.twimg.com/media/C9zUHf0UwAAyHbB.jpg", "C9zUHf0UwAAyHbB.jpg", "image/jpeg"),
        ("https://video.twimg.com/a/hi.mp4", "hi.mp4", "video/mp4"),
    ]


def test_a_v2_posts_media_come_from_the_includes_by_key():
    post = v2_post(attachments={"media_keys": ["3_1", "7_2", "3_missing"]})
    includes = {
        "media": [
            {"media_key": "3_1", "type": "photo", "url": "https://pbs.twimg.com/media/Fx1.png"},
            {
                "media_key": "7_2",
                "type": "video",
                "preview_image_url": "https://pbs.twimg.com/thumb.jpg",
                "variants": [{"bit_rate": 632000, "content_type": "video/mp4", "url": "https://video.twimg.com/v.mp4"}],
            },
        ]
    }

    event = only(parse(activity("post.mention.create", post, includes=includes)))

    assert [(m.url, m.content_type) for m in event.media] == [
        ("https://pbs.twimg.com/media/Fx1.png", "image/png"),
        ("https://video.twimg.com/v.mp4", "video/mp4"),
    ]


def test_a_tweet_without_media_or_with_broken_media_still_parses():
    tweet = mentioning(v1_tweet(extended_entities={"media": ["nonsense", {"type": "photo"}]}))
    event = only(parse(account_activity("tweet_create_events", tweet)))
    assert event.media == [] and event.action == Action.CREATE
