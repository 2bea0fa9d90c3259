"""A mail's attachments become the incident's attachments (tickets' Attachment, through its
service: checked by content, stored in Django's storage), after the intake's transaction:
on the incident for the mail that opened it, on the comment for a reply; a file the limits
refuse is named on the message and the others are kept; kept once however often it runs."""

import pytest

from social.inbox.files import messages_files_store
from social.models import SocialMessage
from tickets.models import Attachment, Incident

from .conftest import drain, mail, message, post

pytestmark = pytest.mark.django_db
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40


def deliver(client, raw, capture):
    post(client, raw)
    with capture(execute=True):  # the batch's commit: the files' task runs after it
        drain()


def test_the_files_of_a_recorded_mail_are_the_incidents_attachments(
    desk, client, eml, django_capture_on_commit_callbacks
):
    deliver(client, eml("mail-gem/attachment_pdf.eml"), django_capture_on_commit_callbacks)

    incident = Incident.objects.get()
    [attached] = Attachment.objects.filter(incident=incident)
    assert attached.name.endswith(".pdf") and attached.content_type == "application/pdf"
    assert attached.comment is None and attached.uploaded_by_contact == incident.reporter
    assert attached.size > 1000 and attached.file.read(5) == b"%PDF-"


def test_a_replys_files_are_attached_to_its_comment(desk, client, django_capture_on_commit_callbacks):
    deliver(client, mail(message_id="<first@example.com>"), django_capture_on_commit_callbacks)
    reply = mail(
        message_id="<second@example.com>",
        in_reply_to="<first@example.com>",
        text="Here is the log.",
        attachment=("vpn.log", b"09:14:02 ERROR tunnel reset by peer\n" * 10),
    )

    deliver(client, reply, django_capture_on_commit_callbacks)

    joined = message("second@example.com")
    [attached] = Attachment.objects.all()
    assert (attached.comment, attached.name, attached.content_type) == (joined.comment, "vpn.log", "text/plain")


def test_a_refused_file_is_named_on_the_message_and_the_others_are_kept(
    desk, client, settings, django_capture_on_commit_callbacks
):
    from email import message_from_bytes, policy

    raw = message_from_bytes(mail(message_id="<two@example.com>", attachment=("shot.png", PNG)), policy=policy.default)
    raw.add_attachment(b"MZ\x90\x00" + b"\x00" * 60, maintype="application", subtype="octet-stream", filename="fix.exe")

    deliver(client, raw.as_bytes(), django_capture_on_commit_callbacks)

    assert list(Attachment.objects.values_list("name", flat=True)) == ["shot.png"]
    opened = message("two@example.com")
    assert opened.state_reason.startswith("Not kept: fix.exe")


def test_kept_once_however_often_it_runs(desk, client, django_capture_on_commit_callbacks):
    deliver(
        client, mail(message_id="<once@example.com>", attachment=("shot.png", PNG)), django_capture_on_commit_callbacks
    )

    assert messages_files_store(message_ids=[message("once@example.com").pk]) == 0
    assert Attachment.objects.count() == 1


def test_ignored_mail_keeps_no_file(desk, client, django_capture_on_commit_callbacks):
    raw = mail(message_id="<ooo@example.com>", headers={"Auto-Submitted": "auto-replied"}, attachment=("a.png", PNG))

    deliver(client, raw, django_capture_on_commit_callbacks)

    assert not Attachment.objects.exists()
    assert messages_files_store(message_ids=list(SocialMessage.objects.values_list("pk", flat=True))) == 0
