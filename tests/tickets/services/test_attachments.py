"""Attachments (tickets/services/attachments.py): the limits, the content sniffing, who may
attach what, and what lands in the storage."""

import gzip
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tickets import services
from tickets.models import Attachment, Event, EventKind, IncidentStatus, Visibility
from tickets.services.attachments import attachment_clean_name, attachment_sniff

from ...factories import ContactFactory, IncidentFactory
from ...files import ELF_PROGRAM, LOG, PDF, WINDOWS_PROGRAM, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(customer):
    return IncidentFactory(reporter=services.contact_for_user(user=customer))


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("system.log", LOG.decode())
    return buffer.getvalue()


# --- sniffing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (png_bytes(), "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100, "image/jpeg"),
        (b"GIF89a" + b"\x00" * 100, "image/gif"),
        (PDF, "application/pdf"),
        (LOG, "text/plain"),
        ("Grüße, ça marche pas 日本語\r\n\tline two\n".encode(), "text/plain"),
        (b"\x1b[31mERROR\x1b[0m colour codes in a log\n", "text/plain"),
        (gzip.compress(LOG), "application/gzip"),
        (WINDOWS_PROGRAM, "application/x-msdownload"),
        (ELF_PROGRAM, "application/x-executable"),
        (b"\x00\x01\x02\x03binary junk\xff\xfe", None),
        (b"latin-1 text \xe9t\xe9 is not utf-8 " * 3, None),
        (b"", None),
    ],
)
def test_it_tells_the_kind_of_file_from_its_content(content, expected):
    assert attachment_sniff(content) == expected


def test_a_multibyte_character_cut_by_the_sample_is_still_text():
    text = ("é" * 5000).encode()  # two bytes each: 8,191 bytes end in the middle of one
    assert attachment_sniff(text[:8191]) == "text/plain"


def test_a_zip_archive_is_a_zip():
    assert attachment_sniff(zip_bytes()) == "application/zip"


@pytest.mark.parametrize(
    ("given", "cleaned"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\jess\\Desktop\\screen shot.png", "screen shot.png"),
        ('bad"<name>|?.txt', "badname.txt"),
        ("line\nbreak\x00.log", "linebreak.log"),
        ("...", "attachment"),
        ("", "attachment"),
        ("a" * 300 + ".log", "a" * 251 + ".log"),
    ],
)
def test_a_name_keeps_no_folder_nor_unsafe_character(given, cleaned):
    assert attachment_clean_name(given) == cleaned


# --- limits ---------------------------------------------------------------------------------


def test_a_screenshot_is_stored_with_the_type_found_in_it(incident, customer):
    attachment = services.attachment_create(
        incident=incident, file=upload("screen.png", png_bytes(), content_type="text/html"), actor=customer
    )
    attachment.refresh_from_db()
    assert (attachment.name, attachment.content_type, attachment.size) == ("screen.png", "image/png", len(png_bytes()))
    assert attachment.uploaded_by_user == customer
    assert attachment.visibility == Visibility.PUBLIC
    with default_storage.open(attachment.file.name) as stored:
        assert stored.read() == png_bytes()
    # Stored under a name of the desk's own, not the one given.
    assert attachment.file.name.startswith("attachments/") and "screen" not in attachment.file.name
    assert Path(default_storage.path(attachment.file.name)).is_relative_to(Path(default_storage.location))


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_stored(incident, customer, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    before = set(_stored_files())
    with pytest.raises(ValidationError, match="at most 1000"):
        services.attachment_create(incident=incident, file=upload("big.log", b"x" * 1001), actor=customer)
    assert not Attachment.objects.exists()
    assert set(_stored_files()) == before
    exactly = services.attachment_create(incident=incident, file=upload("ok.log", b"x" * 1000), actor=customer)
    assert exactly.size == 1000


def test_an_empty_file_is_refused(incident, customer):
    with pytest.raises(ValidationError, match=r"empty\.log is empty"):
        services.attachment_create(incident=incident, file=upload("empty.log", b""), actor=customer)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("screenshot.png", WINDOWS_PROGRAM, "a file of type application/x-msdownload, which the desk does not take"),
        ("setup.exe", WINDOWS_PROGRAM, "a file of type application/x-msdownload"),
        ("notes.txt", ELF_PROGRAM, "a file of type application/x-executable"),
        ("report.pdf", png_bytes(), r"holds image/png \(.png\) but its name ends in .pdf"),
        ("screenshot.png", LOG, r"holds text/plain \(.txt\) but its name ends in .png"),
        ("page.html", b"<html><script>alert(1)</script></html>", "its name ends in .html"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "ends in .svg"),
        ("README", LOG, "its name has no ending"),
        ("blob.bin", b"\x00\x01\x02\x03" * 10, "a kind of file the desk cannot tell"),
    ],
)
def test_the_content_decides_not_the_name(incident, customer, name, content, message):
    with pytest.raises(ValidationError, match=message):
        services.attachment_create(incident=incident, file=upload(name, content), actor=customer)
    assert not Attachment.objects.exists()


def test_the_allowed_types_are_a_setting(incident, customer, settings):
    settings.ATTACHMENT_ALLOWED_TYPES = {"image/png": ["png"]}
    with pytest.raises(ValidationError, match=r"It takes \.png"):
        services.attachment_create(incident=incident, file=upload("report.pdf", PDF), actor=customer)
    assert services.attachment_create(incident=incident, file=upload("a.png", png_bytes()), actor=customer)


def test_one_bad_file_refuses_the_upload_and_says_why_for_each(incident, customer):
    files = [upload("good.png", png_bytes()), upload("bad.png", WINDOWS_PROGRAM), upload("worse.pdf", LOG)]
    with pytest.raises(ValidationError) as refused:
        services.attachments_create(incident=incident, files=files, actor=customer)
    messages = refused.value.message_dict["file"]
    assert len(messages) == 2 and "bad.png" in messages[0] and "worse.pdf" in messages[1]
    assert not Attachment.objects.exists()


def test_at_most_so_many_files_at_once(incident, customer, settings):
    settings.ATTACHMENT_MAX_FILES = 2
    with pytest.raises(ValidationError, match="At most 2 files"):
        services.attachments_create(
            incident=incident, files=[upload(f"{n}.log", LOG) for n in range(3)], actor=customer
        )


def test_a_plain_django_file_works_as_well_as_an_upload(incident):
    """The e-mail intake hands over the parts of a message, not browser uploads."""
    attachment = services.attachment_create(
        incident=incident, file=ContentFile(PDF), name="invoice.pdf", actor=incident.reporter
    )
    assert (attachment.name, attachment.content_type, attachment.uploaded_by_contact) == (
        "invoice.pdf",
        "application/pdf",
        incident.reporter,
    )


# --- who may attach -------------------------------------------------------------------------


def test_a_customer_attaches_to_their_own_incident_only(incident, other_customer):
    with pytest.raises(PermissionDenied, match="your own incidents"):
        services.attachment_create(incident=incident, file=upload("a.log", LOG), actor=other_customer)
    assert not Attachment.objects.exists()


def test_a_customer_attaches_publicly_only(incident, customer):
    with pytest.raises(PermissionDenied, match="Only agents attach internal"):
        services.attachment_create(
            incident=incident, file=upload("a.log", LOG), actor=customer, visibility=Visibility.INTERNAL
        )


def test_a_closed_incident_takes_no_more_files_from_its_reporter(incident, customer, agent):
    services.incident_transition(incident=incident, to_status=IncidentStatus.CANCELLED, actor=agent)
    incident.refresh_from_db()
    with pytest.raises(ValidationError, match="cancelled; please raise a new incident"):
        services.attachment_create(incident=incident, file=upload("a.log", LOG), actor=customer)
    # An agent still may (the evidence of what happened).
    assert services.attachment_create(incident=incident, file=upload("a.log", LOG), actor=agent)


def test_an_agent_attaches_to_any_incident_publicly_or_internally(incident, agent):
    internal = services.attachment_create(
        incident=incident, file=upload("trace.log", LOG), actor=agent, visibility=Visibility.INTERNAL
    )
    assert internal.visibility == Visibility.INTERNAL and internal.uploaded_by_user == agent


def test_a_file_on_an_internal_note_is_internal(incident, agent):
    note = services.incident_reply_with_attachments(
        incident=incident,
        author=agent,
        body="The router's log",
        visibility=Visibility.INTERNAL,
        files=[upload("router.log", LOG)],
    )
    attachment = Attachment.objects.get()
    assert (attachment.comment, attachment.visibility, attachment.created_at) == (
        note,
        Visibility.INTERNAL,
        note.created_at,
    )


# --- replies, the audit trail, the incident -----------------------------------------------


def test_a_reply_with_files_records_both_and_one_audit_line_per_file(incident, customer):
    comment = services.incident_reply_with_attachments(
        incident=incident,
        author=customer,
        body="Here is what I see",
        files=[upload("screen.png", png_bytes()), upload("vpn.log", LOG)],
    )
    attachments = list(Attachment.objects.order_by("id"))
    assert [a.name for a in attachments] == ["screen.png", "vpn.log"]
    assert all(a.comment == comment for a in attachments)
    lines = Event.objects.filter(incident=incident, kind=EventKind.ATTACHMENT).order_by("id")
    assert [(e.new_value, e.actor_user, e.comment) for e in lines] == [
        ("screen.png", customer, comment),
        ("vpn.log", customer, comment),
    ]


def test_a_refused_file_leaves_no_reply_and_a_refused_reply_no_file(incident, customer):
    before = set(_stored_files())
    with pytest.raises(ValidationError):
        services.incident_reply_with_attachments(
            incident=incident, author=customer, body="See attached", files=[upload("x.png", WINDOWS_PROGRAM)]
        )
    with pytest.raises(ValidationError):
        services.incident_reply_with_attachments(
            incident=incident, author=customer, body="", files=[upload("fine.png", png_bytes())]
        )
    assert not incident.comments.exists() and not Attachment.objects.exists()
    assert set(_stored_files()) == before


def test_a_file_on_its_own_moves_the_incident_updated_time(incident, customer):
    before = incident.updated_at
    services.attachment_create(incident=incident, file=upload("a.log", LOG), actor=customer)
    incident.refresh_from_db()
    assert incident.updated_at > before


def test_attachments_are_records_never_deleted(incident, customer):
    attachment = services.attachment_create(incident=incident, file=upload("a.log", LOG), actor=customer)
    with pytest.raises(PermissionDenied):
        attachment.delete()
    with pytest.raises(PermissionDenied):
        Attachment.objects.all().delete()


# --- platforms' media -------------------------------------------------------------------


def test_a_platform_photo_is_a_link_never_downloaded(incident):
    contact = ContactFactory(name="Jess on X")
    link = services.AttachmentLink(
        url="https://pbs.twimg.com/media/Fx1.jpg?name=orig", name="photo 1 on X", content_type="image/jpeg"
    )
    attachment = services.attachment_link_create(incident=incident, link=link, actor=contact)
    attachment.refresh_from_db()
    assert (attachment.external_url, attachment.file.name, attachment.size, attachment.is_link) == (
        "https://pbs.twimg.com/media/Fx1.jpg?name=orig",
        "",
        None,
        True,
    )


def test_a_link_must_be_a_web_address(incident):
    with pytest.raises(ValidationError):
        services.attachment_link_create(
            incident=incident, link=services.AttachmentLink(url="javascript:alert(1)"), actor=None
        )


def test_links_in_bulk_skip_a_bad_one_and_keep_the_others(incident, django_assert_num_queries):
    drafts = [
        services.AttachmentLinkDraft(incident=incident, link=services.AttachmentLink(url=url, name=f"photo {n}"))
        for n, url in enumerate(["https://example.com/1.jpg", "not a url", "https://example.com/2.png"])
    ]
    with django_assert_num_queries(1):
        created = services.attachment_links_create_bulk(drafts=drafts)
    assert [a.external_url for a in created] == ["https://example.com/1.jpg", "https://example.com/2.png"]


def test_a_row_is_a_file_or_a_link_never_both_nor_neither(incident):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    for fields in ({}, {"file": "attachments/x", "external_url": "https://example.com/x.png"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Attachment.objects.create(
                incident=incident, name="x", content_type="image/png", created_at=timezone.now(), **fields
            )


def _stored_files() -> list[str]:
    root = Path(default_storage.location)
    return [str(p) for p in root.rglob("*") if p.is_file()] if root.exists() else []
