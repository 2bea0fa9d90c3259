"""Mastodon's notifications as the desk's events, on the recorded payloads of a real instance."""

import pytest

from social.events import Action, InvalidPayload, Kind
from social.mastodon.inbound import events_from_notifications, notification_event

from .conftest import DESK, notification

DIRECT_REPLY = "117024236635443611"  # a direct reply to 117024236559579118, recorded on the user stream


def test_a_mention_is_a_message_of_its_author_with_the_mention_kept(recorded):
    [mention] = recorded("test_notifications_mentions_only", 1)

    [event] = events_from_notifications([mention], account_id=DESK)

    assert (event.channel, event.action, event.kind) == ("mastodon", Action.CREATE, Kind.MENTION)
    assert event.external_id == "117020577157693549" and event.account_id == DESK
    assert (event.author_id, event.author_handle) == ("admin@localhost:3000", "@admin@localhost:3000")
    assert event.text == "@mastodonpy_test@localhost:3000 hello!"
    assert event.url == "http://localhost:3000/@admin/117020577157693549"
    assert event.thread_key == event.external_id and event.in_reply_to == ""
    assert event.mentions_account and event.created_at.isoformat().startswith("2026-08-01T13:51:42")
    assert event.raw["visibility"] == "public"


def test_a_reply_names_the_status_it_answers(recorded):
    reply = recorded("test_status_reply", 2)  # a public reply with in_reply_to_id

    event = notification_event(notification(reply, notification_id="30"), account_id=DESK)

    assert (event.kind, event.in_reply_to) == (Kind.REPLY, "117020583245459824")
    assert event.thread_key == "117020583245459824"


def test_a_direct_mention_is_a_dm_threaded_by_the_people_in_it(streamed):
    event = notification_event(streamed[DIRECT_REPLY], account_id=DESK)

    assert (event.kind, event.in_reply_to) == (Kind.DM, "117024236559579118")
    assert event.author_id == "mastodonpy_test_2@localhost:3000"
    # The desk and the person: the desk left out, so the key is the same whoever writes.
    assert event.thread_key == "dm:mastodonpy_test_2@localhost:3000"


def test_a_remote_address_keeps_its_domain(recorded):
    [mention] = recorded("test_notifications_mentions_only", 1)
    mention["status"]["account"]["acct"] = "Jess@Social.Example.ORG"

    event = notification_event(mention, account_id=DESK)

    assert event.author_id == "jess@social.example.org"


def test_an_update_notification_is_an_edit_at_its_time(recorded):
    edited = recorded("test_status_edit", 2)  # the status after PUT, edited_at set

    event = notification_event(notification(edited, notification_id="31", kind="update"), account_id=DESK)

    assert (event.action, event.external_id) == (Action.EDIT, "117020586180926938")
    assert "Kate" in event.text and event.created_at.isoformat().startswith("2026-08-01T13:54:00")
    assert event.dedup_key.startswith("edit:117020586180926938:")


def test_favourites_and_follows_are_stored_and_ignored_with_the_reason(recorded):
    [mention] = recorded("test_notifications_mentions_only", 1)
    favourite = {**mention, "id": "22", "type": "favourite"}
    follow = {"id": "23", "type": "follow", "created_at": mention["created_at"], "account": mention["account"]}

    events = events_from_notifications([favourite, follow], account_id=DESK)

    assert [(e.action, e.ignore_reason, e.external_id) for e in events] == [
        (Action.IGNORE, "favourite", "notification:22"),
        (Action.IGNORE, "follow", "notification:23"),
    ]


@pytest.mark.parametrize(
    "damage",
    [
        lambda n: n.pop("status"),
        lambda n: n["status"].update(id="../../etc"),
        lambda n: n["status"].update(content=["not", "html"]),
        lambda n: n["status"]["account"].update(acct="two words"),
        lambda n: n["status"].update(created_at="yesterday"),
        lambda n: n.update(type=None),
    ],
)
def test_one_malformed_notification_loses_none_of_the_good_ones(recorded, damage):
    [good] = recorded("test_notifications_mentions_only", 1)
    [bad] = recorded("test_notifications_mentions_only", 1)
    bad["id"] = "20"
    damage(bad)

    bad_event, good_event = events_from_notifications([bad, good], account_id=DESK)

    assert good_event.action == Action.CREATE and good_event.external_id == "117020577157693549"
    assert bad_event.action == Action.IGNORE and bad_event.ignore_reason.startswith("Malformed notification: ")
    with pytest.raises(InvalidPayload):
        notification_event(bad, account_id=DESK)


def test_a_page_that_is_not_a_list_is_refused():
    with pytest.raises(InvalidPayload):
        events_from_notifications({"error": "nope"}, account_id=DESK)


def test_a_statuss_media_attachments_are_its_media(recorded):
    # The recorded instance had no media; the attachment is Mastodon's documented
    # MediaAttachment entity, on a recorded status.
    reply = recorded("test_status_reply", 2)
    reply["media_attachments"] = [
        {
            "id": "22345792",
            "type": "image",
            "url": "https://files.mastodon.social/media_attachments/files/022/345/792/original/57859aede991da25.jpeg",
            "preview_url": "https://files.mastodon.social/media_attachments/files/022/345/792/small/57859aede991da25.jpeg",
            "remote_url": None,
            "description": "The error on the screen",
        },
        {"id": "22345793", "type": "unknown", "url": None, "remote_url": "https://elsewhere.example/x.bin"},
        {"id": "22345794", "type": "gifv", "url": None, "remote_url": "https://elsewhere.example/loop.mp4"},
    ]

    event = notification_event(notification(reply, notification_id="31"), account_id=DESK)

    assert [(m.name, m.content_type) for m in event.media] == [
        ("57859aede991da25.jpeg", "image/jpeg"),
        ("loop.mp4", "video/mp4"),
    ]
