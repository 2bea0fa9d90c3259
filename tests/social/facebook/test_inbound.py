"""Parsing Facebook Page deliveries: every recorded payload is handled or deliberately
ignored, both payload shapes (`sender_id` and `from`) give the same events, and what is not
what Facebook sends is refused with a reason."""

import copy
import json
from datetime import UTC, datetime

import pytest

from social.events import Action, InvalidPayload, Kind, ParsedEvent
from social.facebook.inbound import parse

from ...conftest import SHARED_FIXTURES

RECORDED = SHARED_FIXTURES / "facebook_webhooks"
RECORDED_NAMES = sorted(path.stem for path in RECORDED.glob("*.json"))

# What each recorded delivery becomes: one item per event, "<action> <kind>" or "ignore".
EXPECTED = {
    "feed-album-add": "ignore",
    "feed-album-edited": "ignore",
    "feed-comment-add-211": "create comment",
    "feed-comment-add-25": "create comment",
    "feed-comment-add-with-photo": "create comment",
    "feed-comment-add-with-video": "create comment",
    "feed-comment-edited-25": "edit comment",
    "feed-comment-edited-with-photo": "edit comment",
    "feed-comment-edited-with-video": "edit comment",
    "feed-comment-hide": "hide comment",
    "feed-comment-remove-25": "delete comment",
    "feed-comment-unhide": "ignore",
    "feed-event-add": "ignore",
    "feed-like-add-25": "ignore",
    "feed-like-add-comment-25": "ignore",
    "feed-like-add-page-25": "ignore",
    "feed-like-remove-25": "ignore",
    "feed-photo-add-25": "create post",
    "feed-photo-add-message": "create post",
    "feed-photo-edited-message": "edit post",
    "feed-photo-edited": "edit post",
    "feed-photo-hide-message": "hide post",
    "feed-photo-hide": "hide post",
    "feed-photo-remove-25": "delete post",
    "feed-post-add-25": "create post",
    "feed-post-edit": "edit post",
    "feed-post-hide": "hide post",
    "feed-post-remove-25": "delete post",
    "feed-post-unhide": "ignore",
    "feed-reaction-add-comment": "ignore",
    "feed-reaction-add-reply": "ignore",
    "feed-reaction-add": "ignore",
    "feed-reaction-edit": "ignore",
    "feed-reaction-remove": "ignore",
    "feed-share-add-25": "ignore",
    "feed-share-hide": "ignore",
    "feed-share-unhide": "ignore",
    "feed-status-add-25": "create post",
    "feed-status-add-photos": "create post",
    "feed-status-edited-25": "edit post",
    "feed-status-edited-photos": "edit post",
    "feed-status-hide-25": "hide post",
    "feed-status-unhide": "ignore",
    "feed-two-entries-25": "ignore, ignore",
    "feed-video-add": "create post",
    "feed-video-block": "ignore",
    "feed-video-edited": "edit post",
    "feed-video-hide": "hide post",
    "feed-video-mute": "ignore",
    "feed-video-remove-25": "delete post",
    "feed-video-unblock": "ignore",
    "leadgen": "ignore",
    "mention-comment-add": "create comment",
    "mention-post-add-real": "create post",
    "mention-post-add": "create post",
    "messaging-accountlinking-linked": "ignore",
    "messaging-accountlinking-unlinked": "ignore",
    "messaging-airline-itinerary-template": "create messenger",
    "messaging-approles": "ignore",
    "messaging-button-template": "create messenger",
    "messaging-checkoutupdate-shipping": "ignore",
    "messaging-delivery-basic": "ignore",
    "messaging-message-basic-echo": "create messenger",
    "messaging-message-basic": "create messenger",
    "messaging-message-edits": "edit messenger",
    "messaging-message-fallback-attachment": "create messenger",
    "messaging-message-isdeleted": "delete messenger",
    "messaging-message-isunsupported": "ignore",
    "messaging-message-location-attachment": "create messenger",
    "messaging-message-media-attachment": "create messenger",
    "messaging-message-nlp-1": "create messenger",
    "messaging-message-nlp-2": "create messenger",
    "messaging-message-nlp-3": "create messenger",
    "messaging-message-nlp-4": "create messenger",
    "messaging-message-nlp-5": "create messenger",
    "messaging-message-nlp-6": "create messenger",
    "messaging-message-nlp-7": "create messenger",
    "messaging-message-nlp-8": "create messenger",
    "messaging-message-nlp-distance": "create messenger",
    "messaging-message-nlp-duration-2": "create messenger",
    "messaging-message-nlp-duration": "create messenger",
    "messaging-message-nlp-email-2": "create messenger",
    "messaging-message-nlp-email": "create messenger",
    "messaging-message-nlp-error": "create messenger",
    "messaging-message-nlp-location": "create messenger",
    "messaging-message-nlp-money": "create messenger",
    "messaging-message-nlp-phone": "create messenger",
    "messaging-message-nlp-quantity": "create messenger",
    "messaging-message-nlp-temperature": "create messenger",
    "messaging-message-nlp-url-2": "create messenger",
    "messaging-message-nlp-url": "create messenger",
    "messaging-message-nlp-volume": "create messenger",
    "messaging-message-prior": "create messenger",
    "messaging-message-product-template-2": "create messenger",
    "messaging-message-product-template": "create messenger",
    "messaging-message-quickreply": "create messenger",
    "messaging-message-reply-1": "create messenger",
    "messaging-message-reply-2": "create messenger",
    "messaging-message-sticker-thumbup": "create messenger",
    "messaging-message-sticker": "create messenger",
    "messaging-optin-basic": "ignore",
    "messaging-optin-userref": "ignore",
    "messaging-pass-thread-control": "ignore",
    "messaging-payment": "ignore",
    "messaging-policy-callback-block": "ignore",
    "messaging-policy-callback-unblock": "ignore",
    "messaging-postback-basic": "ignore",
    "messaging-postback-chat": "ignore",
    "messaging-postback-referral": "ignore",
    "messaging-reaction-1": "ignore",
    "messaging-reaction-2": "ignore",
    "messaging-read-basic": "ignore",
    "messaging-referral-basic": "ignore",
    "messaging-request-thread-control": "ignore",
    "messaging-take-thread-control": "ignore",
    "permission-granted.wh-1": "ignore",
    "permission-granted.wh-2": "ignore",
    "ratings-comment-add-25": "ignore",
    "ratings-comment-edited-25": "ignore",
    "ratings-comment-remove-25": "ignore",
    "ratings-like-add-25": "ignore",
    "ratings-like-add-40": "ignore",
    "ratings-like-remove-25": "ignore",
    "ratings-like-remove-40": "ignore",
    "ratings-rating-add-25": "ignore",
    "ratings-rating-add-31": "ignore",
    "ratings-rating-edit-25": "ignore",
    "ratings-rating-remove-25": "ignore",
    "ratings-reaction-add": "ignore",
    "ratings-reaction-edit": "ignore",
    "ratings-reaction-remove": "ignore",
    "standby-message-basic-echo": "ignore",
    "unknown-change-value": "ignore",
    "user-email": "ignore",
    "user-hometown-add": "ignore",
    "user-likes-add": "ignore",
    "user-location-add": "ignore",
    "user-movies-add": "ignore",
    "user-television-add": "ignore",
    "user-workhistory": "ignore",
}

PAGE = "1234567890321"


def feed_delivery(*values: dict, page: str = PAGE, time: int = 1700000000) -> dict:
    """A delivery in Facebook's shape with one feed change per value."""
    return {
        "object": "page",
        "entry": [{"id": page, "time": time, "changes": [{"field": "feed", "value": v} for v in values]}],
    }


def messenger_delivery(*items: dict, page: str = PAGE) -> dict:
    return {"object": "page", "entry": [{"id": page, "time": 1700000000123, "messaging": list(items)}]}


def visitor_comment(**overrides) -> dict:
    value = {
        "item": "comment",
        "verb": "add",
        "comment_id": "555_777",
        "post_id": f"{PAGE}_555",
        "parent_id": f"{PAGE}_555",
        "from": {"id": "4242", "name": "Jess Doe"},
        "created_time": 1700000000,
        "message": "The VPN drops every 5 minutes",
    }
    return {**value, **overrides}


def visitor_message(**overrides) -> dict:
    item = {
        "sender": {"id": "6060"},
        "recipient": {"id": PAGE},
        "timestamp": 1700000000123,
        "message": {"mid": "m_abc", "text": "My laptop will not boot"},
    }
    return {**item, **overrides}


def summary(events: list[ParsedEvent]) -> str:
    return ", ".join(e.action if e.action == Action.IGNORE else f"{e.action} {e.kind}" for e in events)


# Every recorded delivery --------------------------------------------------------------------


def test_every_recorded_delivery_has_an_expectation(shared_fixtures):
    assert len(RECORDED_NAMES) == 140
    assert set(RECORDED_NAMES) == set(EXPECTED)


@pytest.mark.parametrize("name", RECORDED_NAMES or ["(recorded payloads absent)"])
def test_each_recorded_delivery_is_handled_or_deliberately_ignored(delivery, name):
    payload = delivery(name)
    events = parse(copy.deepcopy(payload))

    assert summary(events) == EXPECTED[name]
    for event in events:
        assert event.channel == "facebook"
        assert event.account_id == str(payload["entry"][0]["id"]) or len(payload["entry"]) > 1
        assert event.external_id
        assert len(event.dedup_key) <= 200
        assert event.created_at is None or event.created_at.tzinfo is not None
        assert isinstance(event.raw, dict) and event.raw
        if event.action == Action.IGNORE:
            assert event.kind == Kind.OTHER
            assert event.ignore_reason
            # Never the id of a real message, so it can never collide with one.
            assert event.external_id.startswith("ignored:")
        else:
            assert event.kind in (Kind.POST, Kind.COMMENT, Kind.MESSENGER)
            assert event.thread_key and not event.ignore_reason
            assert event.raw["entry_id"] == event.account_id
        if event.kind in (Kind.POST, Kind.COMMENT):
            assert event.url == f"https://www.facebook.com/{event.external_id}"
        if event.kind == Kind.MESSENGER:
            assert event.url == "" and event.thread_key.startswith("messenger:")
        # What is stored comes back the same.
        assert ParsedEvent.from_json(json.loads(json.dumps(event.to_json()))) == event
    # Parsing is deterministic: a redelivery gives the same keys, so it is stored once.
    assert [e.dedup_key for e in parse(copy.deepcopy(payload))] == [e.dedup_key for e in events]


def test_both_payload_shapes_give_the_same_comment(delivery):
    old_shape, new_shape = parse(delivery("feed-comment-add-25")), parse(delivery("feed-comment-add-211"))
    [old], [new] = old_shape, new_shape
    assert (old.raw["value"]["sender_id"], new.raw["value"]["from"]) == (
        1234567890321,
        {"id": "1234567890321", "name": "Tester"},
    )
    old.raw = new.raw = {}
    assert old == new
    assert new == ParsedEvent(
        channel="facebook",
        account_id=PAGE,
        external_id="901097836652708_903438993085259",
        action=Action.CREATE,
        kind=Kind.COMMENT,
        author_id=PAGE,  # the page commenting on its own post: kept, the pipeline records it
        author_name="Tester",
        text="and the next one",
        created_at=datetime(2015, 12, 3, 9, 30, 3, tzinfo=UTC),
        in_reply_to="1234567890321_901097836652708",
        thread_key="1234567890321_901097836652708",
        url="https://www.facebook.com/901097836652708_903438993085259",
    )


def test_a_visitor_post_on_the_page(delivery):
    [event] = parse(delivery("feed-post-add-25"))
    assert (event.action, event.kind, event.external_id) == (Action.CREATE, Kind.POST, "1234567890321_7293787835232")
    assert (event.author_id, event.author_name, event.text) == ("8423678347823", "John Doe", "Let's check this")
    assert event.thread_key == event.external_id
    assert event.url == "https://www.facebook.com/1234567890321_7293787835232"
    assert event.in_reply_to == ""
    # No created_time in this one: the entry's time stands in.
    assert event.created_at == datetime.fromtimestamp(1454707020, tz=UTC)


def test_an_edit_carries_the_new_text_and_is_a_new_key(delivery):
    [created] = parse(delivery("feed-status-add-25"))
    [edited] = parse(delivery("feed-status-edited-25"))
    assert (edited.action, edited.kind, edited.text) == (Action.EDIT, Kind.POST, "This is an edited test message")
    assert edited.dedup_key != edited.external_id
    [comment_edit] = parse(delivery("feed-comment-edited-25"))
    assert (comment_edit.action, comment_edit.external_id) == (Action.EDIT, "900728623356296_900744590021366")
    assert created.action == Action.CREATE


def test_removals_name_what_was_removed(delivery):
    [comment] = parse(delivery("feed-comment-remove-25"))
    assert (comment.action, comment.kind, comment.external_id) == (
        Action.DELETE,
        Kind.COMMENT,
        "905578656204626_905579239537901",
    )
    [post] = parse(delivery("feed-post-remove-25"))
    assert (post.action, post.kind, post.external_id) == (Action.DELETE, Kind.POST, "1234567890321_901097836652708")
    assert comment.text == post.text == ""


def test_hides_are_recorded_and_unhides_ignored(delivery):
    [hidden] = parse(delivery("feed-comment-hide"))
    assert (hidden.action, hidden.kind, hidden.external_id) == (
        Action.HIDE,
        Kind.COMMENT,
        "900728623356296_900744590021366",
    )
    [post_hidden] = parse(delivery("feed-status-hide-25"))
    assert (post_hidden.action, post_hidden.external_id) == (Action.HIDE, "1234567890321_7293787835232")
    [unhidden] = parse(delivery("feed-comment-unhide"))
    assert unhidden.action == Action.IGNORE and "unhide" in unhidden.ignore_reason


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("feed-reaction-add", "reaction"),
        ("feed-like-add-25", "like"),
        ("feed-share-add-25", "share"),
        ("ratings-rating-add-25", "ratings"),
        ("feed-two-entries-25", "unknown field 'parking'"),
        ("unknown-change-value", "unknown field 'foo'"),
        ("messaging-delivery-basic", "delivery receipt"),
        ("messaging-read-basic", "read receipt"),
        ("messaging-postback-basic", "postback"),
        ("messaging-reaction-1", "reaction"),
        ("standby-message-basic-echo", "standby"),
        ("user-email", "not a Page event"),
    ],
)
def test_ignored_deliveries_say_why(delivery, name, reason):
    event = parse(delivery(name))[0]
    assert event.action == Action.IGNORE
    assert reason in event.ignore_reason


def test_the_recorded_two_entry_batch(delivery):
    events = parse(delivery("feed-two-entries-25"))
    assert [e.ignore_reason for e in events] == ["unknown field 'parking'", "unknown field 'payment_options'"]
    assert [e.created_at for e in events] == [
        datetime.fromtimestamp(1449589360, tz=UTC),
        datetime.fromtimestamp(1449589369, tz=UTC),
    ]
    assert events[0].dedup_key != events[1].dedup_key


def test_a_messenger_message(delivery):
    [event] = parse(delivery("messaging-message-basic"))
    assert event == ParsedEvent(
        channel="facebook",
        account_id="12345654332",
        external_id="mid.1457764197618:41d102a3e1ae206a38",
        kind=Kind.MESSENGER,
        author_id="987654321432",
        text="hello, world!",
        created_at=datetime(2016, 3, 12, 6, 29, 57, 627000, tzinfo=UTC),
        thread_key="messenger:987654321432",
        raw=event.raw,
    )


def test_an_echo_is_the_pages_own_in_the_persons_thread(delivery):
    [echo] = parse(delivery("messaging-message-basic-echo"))
    assert (echo.action, echo.kind, echo.author_id) == (Action.CREATE, Kind.MESSENGER, "12345654332")
    assert echo.thread_key == "messenger:12345654332"  # the recipient of the echo


def test_messenger_edits_deletions_and_replies(delivery):
    [edit] = parse(delivery("messaging-message-edits"))
    assert (edit.action, edit.external_id, edit.text) == (
        Action.EDIT,
        "mid.1457764197618:41d102a3e1ae206a38",
        "hello, world!",
    )
    [deleted] = parse(delivery("messaging-message-isdeleted"))
    assert (deleted.action, deleted.external_id, deleted.text) == (Action.DELETE, "message_id", "")
    [reply] = parse(delivery("messaging-message-reply-1"))
    assert reply.in_reply_to == "very_long_id_representing_the_original_message"


def test_a_messenger_attachment_without_text_is_described(delivery):
    [image] = parse(delivery("messaging-message-media-attachment"))
    assert image.text == "[image] IMAGE_URL"
    [location] = parse(delivery("messaging-message-location-attachment"))
    assert location.text == "[location] 12.34,43.21"
    [sticker] = parse(delivery("messaging-message-sticker-thumbup"))
    assert sticker.text.startswith("[sticker] https://")


def test_mentions_of_the_page(delivery):
    [post] = parse(delivery("mention-post-add-real"))
    assert (post.action, post.kind, post.mentions_account) == (Action.CREATE, Kind.POST, True)
    assert post.text == "A test post message"
    [comment] = parse(delivery("mention-comment-add"))
    assert (comment.kind, comment.external_id) == (Kind.COMMENT, "7363534231324_3754798971271444")
    assert comment.in_reply_to == comment.thread_key == "1234567890321_7363534231324"


# The project's own payloads, in the recorded shapes (these run without ../shared) ---------


def test_a_reply_to_a_comment_answers_that_comment():
    [event] = parse(feed_delivery(visitor_comment(comment_id="555_888", parent_id="555_777")))
    assert (event.external_id, event.in_reply_to, event.thread_key) == ("555_888", "555_777", f"{PAGE}_555")
    assert (event.author_id, event.author_name) == ("4242", "Jess Doe")
    assert event.url == "https://www.facebook.com/555_888"


def test_a_comment_without_parent_answers_the_post():
    value = visitor_comment()
    del value["parent_id"]
    [event] = parse(feed_delivery(value))
    assert event.in_reply_to == f"{PAGE}_555"


def test_several_entries_and_items_in_one_delivery():
    payload = feed_delivery(visitor_comment(), visitor_comment(comment_id="555_999", message="Me too"))
    payload["entry"].append(messenger_delivery(visitor_message(), page="999")["entry"][0])
    events = parse(payload)
    assert [(e.account_id, e.kind, e.external_id) for e in events] == [
        (PAGE, Kind.COMMENT, "555_777"),
        (PAGE, Kind.COMMENT, "555_999"),
        ("999", Kind.MESSENGER, "m_abc"),
    ]
    assert events[2].created_at == datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)
    assert events[2].raw == {**visitor_message(), "entry_id": "999"}


def test_the_pages_own_post_is_kept():
    [event] = parse(feed_delivery({"item": "status", "verb": "add", "post_id": f"{PAGE}_1", "from": {"id": PAGE}}))
    assert (event.action, event.author_id) == (Action.CREATE, PAGE)


def test_graph_style_iso_times_are_read():
    [event] = parse(feed_delivery(visitor_comment(created_time="2024-05-01T10:00:00+0000")))
    assert event.created_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def test_numeric_and_string_ids_are_the_same():
    [as_number] = parse(feed_delivery(visitor_comment(**{"from": {"id": 4242, "name": "Jess Doe"}}), page=int(PAGE)))
    [as_string] = parse(feed_delivery(visitor_comment()))
    assert (as_number.account_id, as_number.author_id) == (as_string.account_id, as_string.author_id) == (PAGE, "4242")


def test_ignored_items_are_keyed_by_their_content():
    like = {"item": "like", "verb": "add", "post_id": f"{PAGE}_1", "sender_id": 1, "created_time": 1}
    [first] = parse(feed_delivery(like))
    [again] = parse(feed_delivery(like, time=1800000000))  # redelivered later
    [other] = parse(feed_delivery({**like, "sender_id": 2}))
    assert first.dedup_key == again.dedup_key != other.dedup_key
    # The post's own key is never taken by something about the post.
    assert f"{PAGE}_1" not in first.dedup_key


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (feed_delivery({"item": "sticker", "verb": "add", "post_id": "1_2"}), "unknown feed item 'sticker'"),
        (feed_delivery({"item": "comment", "verb": "pin", "post_id": "1_2"}), "unknown verb 'pin'"),
        (feed_delivery({"item": "photo", "verb": "unhide", "post_id": "1_2"}), "unhidden"),
        (feed_delivery({"verb": "add", "post_id": "1_2"}), "unknown feed change"),
        (feed_delivery({"item": "photo", "verb": "block"}), "moderation"),
        (messenger_delivery({"sender": {"id": "1"}, "recipient": {"id": PAGE}, "typing": "on"}), "unknown Messenger"),
        (messenger_delivery(visitor_message(message={"mid": "m_1", "is_unsupported": True})), "not delivered"),
        ({"object": "page", "entry": [{"id": PAGE, "time": 1}]}, "unknown entry"),
        ({"object": "instagram", "entry": [{"id": "1", "time": 1, "changes": []}]}, "not a Page event"),
    ],
)
def test_well_formed_but_unknown_things_are_ignored_with_a_reason(payload, reason):
    [event] = parse(payload)
    assert event.action == Action.IGNORE
    assert reason in event.ignore_reason


def broken(**entry_overrides) -> dict:
    payload = feed_delivery(visitor_comment())
    payload["entry"][0].update(entry_overrides)
    return payload


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({}, "no 'object'"),
        ({"object": "page"}, "no 'entry' list"),
        ({"object": "page", "entry": {"id": PAGE}}, "no 'entry' list"),
        ({"object": "page", "entry": ["x"]}, "entry[0] must be an object"),
        ({"object": "page", "entry": [{"time": 1, "changes": []}]}, "entry[0] has no 'id'"),
        ({"object": "page", "entry": [{"id": {"x": 1}, "changes": []}]}, "entry[0].id must be an id"),
        ({"object": "page", "entry": [{"id": True, "changes": []}]}, "entry[0].id must be an id"),
        (broken(changes={"field": "feed"}), "entry[0].changes must be a list"),
        (broken(changes=["feed"]), "entry[0].changes[0] must be an object"),
        (broken(changes=[{"value": visitor_comment()}]), "has no 'field'"),
        (broken(changes=[{"field": "feed", "value": "comment"}]), "has no 'value' object"),
        (broken(time="yesterday"), "entry[0].time is not a time"),
        (feed_delivery(visitor_comment(comment_id=None)), "has no 'comment_id'"),
        (feed_delivery(visitor_comment(post_id="")), "has no 'post_id'"),
        (feed_delivery({"item": "status", "verb": "add", "message": "hi"}), "has no 'post_id'"),
        (feed_delivery(visitor_comment(message=["hi"])), "message must be a string"),
        (feed_delivery(visitor_comment(created_time="soon")), "created_time is not a time"),
        (feed_delivery(visitor_comment(**{"from": "Jess"})), "from must be an object"),
        (messenger_delivery(visitor_message(message={"text": "no mid"})), "has no 'mid'"),
        (messenger_delivery(visitor_message(message="hello")), "message must be an object"),
        (messenger_delivery(visitor_message(sender=None)), "without sender.id"),
        (messenger_delivery(visitor_message(sender="6060")), "sender must be an object"),
        (messenger_delivery(visitor_message(timestamp=[1])), "timestamp is not a time"),
        ({"object": "page", "entry": [{"id": PAGE, "messaging": [1]}]}, "entry[0].messaging[0] must be an object"),
    ],
)
def test_what_facebook_does_not_send_is_refused_with_a_reason(payload, reason):
    with pytest.raises(InvalidPayload) as error:
        parse(payload)
    assert reason in str(error.value)


def test_an_empty_entry_list_is_nothing_to_do():
    assert parse({"object": "page", "entry": []}) == []


def test_a_comments_photo_or_video_is_its_medium(delivery):
    [photo] = parse(delivery("feed-comment-add-with-photo"))
    [medium] = photo.media
    assert medium.url.startswith("https://scontent-fra3-1.xx.fbcdn.net/v/t31.0-8/16715996_")
    assert (medium.name, medium.content_type) == ("16715996_472849323104563_2289972788116415727_o.jpg", "image/jpeg")
    [video] = parse(delivery("feed-comment-add-with-video"))
    assert [(m.url, m.content_type) for m in video.media] == [("https://example.fbcdn.net/video.mp4", "video/mp4")]


def test_a_messenger_image_is_its_medium_and_a_sticker_or_a_location_is_not(delivery):
    recorded = delivery("messaging-message-media-attachment")
    [placeholder] = parse(recorded)  # Meta's sample says IMAGE_URL where the address goes
    assert placeholder.media == []
    recorded["entry"][0]["messaging"][0]["message"]["attachments"][0]["payload"]["url"] = (
        "https://scontent.xx.fbcdn.net/v/t1.15752-9/471937_n.png?_nc_cat=1"
    )
    [image] = parse(recorded)
    assert [(m.name, m.content_type) for m in image.media] == [("471937_n.png", "image/png")]
    assert parse(delivery("messaging-message-sticker-thumbup"))[0].media == []
    assert parse(delivery("messaging-message-location-attachment"))[0].media == []
