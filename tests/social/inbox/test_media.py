"""The photos and videos a message carries become links on its incident (or on the reply's
comment), from its author: the record of what the person showed, without the desk keeping a
copy."""

import pytest

from social.events import Medium, ParsedEvent
from tickets.models import Attachment, Visibility

from .conftest import deliver, message, tweet

pytestmark = pytest.mark.django_db

PHOTO = Medium(url="https://pbs.twimg.com/media/EbU1.jpg", name="EbU1.jpg", content_type="image/jpeg")
VIDEO = Medium(url="https://video.twimg.com/ext_tw_video/1/vid/720x1280/a.mp4", name="a.mp4", content_type="video/mp4")


def test_a_message_that_opens_an_incident_brings_its_photos_as_its_attachments():
    deliver(tweet("t1", "@desk the printer says PC LOAD LETTER", media=[PHOTO, VIDEO]))

    inbound = message("t1")
    attachments = list(Attachment.objects.filter(incident=inbound.incident).order_by("pk"))
    assert [(a.external_url, a.name, a.content_type) for a in attachments] == [
        (PHOTO.url, "EbU1.jpg", "image/jpeg"),
        (VIDEO.url, "a.mp4", "video/mp4"),
    ]
    assert all(a.visibility == Visibility.PUBLIC and a.comment is None for a in attachments)
    assert {a.uploaded_by_contact for a in attachments} == {inbound.incident.reporter}


def test_a_reply_brings_its_photo_onto_its_comment():
    deliver(tweet("t1"))
    deliver(tweet("t2", "@desk here is the screen", in_reply_to="t1", media=[PHOTO]))

    reply = message("t2")
    [attachment] = Attachment.objects.filter(incident=reply.incident)
    assert attachment.comment == reply.comment and attachment.external_url == PHOTO.url


def test_media_survive_the_inbox_storage_and_a_message_without_them_brings_none():
    event = tweet("t1", media=[PHOTO])
    assert ParsedEvent.from_json(event.to_json()).media == [PHOTO]
    assert "media" not in tweet("t2").to_json()  # other payloads stay as they were

    deliver(tweet("t2"))
    assert not Attachment.objects.exists()


def test_a_medium_that_is_not_a_web_address_is_passed_over_and_the_rest_kept():
    deliver(tweet("t1", media=[Medium(url="javascript:alert(1)", name="x", content_type="image/jpeg"), PHOTO]))

    assert list(Attachment.objects.values_list("external_url", flat=True)) == [PHOTO.url]
    assert message("t1").incident is not None


def test_the_desk_own_messages_and_ignored_ones_bring_nothing():
    deliver(tweet("t1", author="1000", media=[PHOTO]), tweet("t2", action="ignore", media=[PHOTO]))
    assert not Attachment.objects.exists()


def test_a_medium_type_comes_from_the_platform_else_from_its_address():
    messenger = "https://scontent.xx.fbcdn.net/v/t1.15752-9/abc?_nc_cat=1"  # no extension: the kind says
    assert Medium.at(messenger, kind="image").content_type == "image/jpeg"
    assert Medium.at("https://files.example.org/media/a.png").content_type == "image/png"
    assert Medium.at("https://files.example.org/media/a.png").name == "a.png"
    assert Medium.at("https://cdn.example.org/x", content_type="video/webm").content_type == "video/webm"
    assert Medium.at("https://cdn.example.org/blob").content_type == "application/octet-stream"
