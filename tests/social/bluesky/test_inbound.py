"""Bluesky's notifications as the desk's events, on a real recorded listNotifications page."""

import pytest

from social.bluesky.inbound import events_from_page, notification_event
from social.events import Action, InvalidPayload, Kind

from .conftest import DESK

MENTION = "at://did:plc:w342borqxtyo2pul67ec2pwt/app.bsky.feed.post/3k6ba5zng4t2v"
REPLY = "at://did:plc:wpmuup4caccl3a726wdni6wj/app.bsky.feed.post/3k6k4as23yu2g"


def by_uri(page, uri):
    return next(n for n in page["notifications"] if n["uri"] == uri)


def test_the_recorded_page_keeps_posts_and_ignores_likes_reposts_and_follows(page):
    events = events_from_page(page, account_id=DESK)

    assert len(events) == 200
    kept = [e for e in events if e.action == Action.CREATE]
    assert len(kept) == 17 + 3 + 4  # replies, mentions, quotes
    reasons = {e.ignore_reason for e in events if e.action == Action.IGNORE}
    assert reasons == {"like", "repost", "follow"}
    assert len({e.dedup_key for e in events}) == 200


def test_a_reply_names_its_parent_and_its_thread_is_its_root(page):
    event = notification_event(by_uri(page, REPLY), account_id=DESK)

    assert (event.kind, event.external_id) == (Kind.REPLY, REPLY)
    assert event.in_reply_to == "at://did:plc:iijrtk7ocored6zuziwmqq3c/app.bsky.feed.post/3k6k42e25xo2i"
    assert event.thread_key == "at://did:plc:wpmuup4caccl3a726wdni6wj/app.bsky.feed.post/3k6k3k3gwjt2q"
    assert (event.author_id, event.author_handle) == ("did:plc:wpmuup4caccl3a726wdni6wj", "@maccalennon.bsky.social")
    assert event.url == "https://bsky.app/profile/maccalennon.bsky.social/post/3k6k4as23yu2g"
    assert event.created_at.isoformat().startswith("2023-09-04T04:00:35")


def test_a_mention_keeps_its_text_and_a_top_level_post_is_its_own_thread(page):
    event = notification_event(by_uri(page, MENTION), account_id=DESK)
    assert event.text == "Thanks to @shinyakato.dev for the suggestion and input on this!"
    assert event.mentions_account

    top = by_uri(page, MENTION)
    del top["record"]["reply"]
    event = notification_event(top, account_id=DESK)
    assert (event.kind, event.in_reply_to, event.thread_key) == (Kind.MENTION, "", MENTION)


def test_strong_refs_with_their_type_inside_are_read_alike(page):
    typed = next(n for n in page["notifications"] if "$type" in (n["record"].get("reply") or {}).get("root", {}))
    assert notification_event(typed, account_id=DESK).thread_key == typed["record"]["reply"]["root"]["uri"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda n: n.update(uri="https://bsky.app/nope"),
        lambda n: n.pop("cid"),
        lambda n: n["author"].update(did="jess"),
        lambda n: n["record"].update(text=42),
        lambda n: n["record"]["reply"].update(parent="at://x"),
        lambda n: n["record"].update(createdAt="soon"),
        lambda n: n.update(uri="at://did:web:" + "a" * 120 + "/app.bsky.feed.post/3k6ba5zng4t2v"),
    ],
)
def test_one_malformed_notification_loses_none_of_the_good_ones(page, damage):
    bad = by_uri(page, MENTION)
    damage(bad)

    events = events_from_page({"notifications": [bad, by_uri(page, REPLY)]}, account_id=DESK)

    assert events[0].action == Action.IGNORE and events[0].ignore_reason.startswith("Malformed notification: ")
    assert events[1].action == Action.CREATE and events[1].external_id == REPLY
    with pytest.raises(InvalidPayload):
        notification_event(bad, account_id=DESK)


def test_a_page_without_notifications_is_refused():
    with pytest.raises(InvalidPayload):
        events_from_page({"error": "nope"}, account_id=DESK)


def test_a_posts_images_are_its_media_at_blueskys_image_cdn(page):
    # A recorded quote post with an image beside the quoted record (recordWithMedia).
    item = page["notifications"][196]
    item = {**item, "reason": "mention"}

    event = notification_event(item, account_id=DESK)

    did = item["author"]["did"]
    cid = "bafkreihhsjzts3hcnt3pjwbvagz3nldpkd5lm3mbk5g5fwdc6g4urbcwbu"
    assert [(m.url, m.content_type) for m in event.media] == [
        (f"https://cdn.bsky.app/img/feed_fullsize/plain/{did}/{cid}@jpeg", "image/jpeg")
    ]


def test_a_post_that_only_quotes_carries_no_media(page):
    item = {**page["notifications"][15], "reason": "mention"}
    assert notification_event(item, account_id=DESK).media == []
