"""Files attached to incidents and replies: checked, stored, recorded.

A file is taken only if it is no larger than ATTACHMENT_MAX_BYTES and its content, read from
its first bytes (the `filetype` library's signatures, or plain text), is one of
ATTACHMENT_ALLOWED_TYPES whose name endings include the file's own: a program renamed to
"screenshot.png" is refused, and so is a PNG called "notes.pdf". The content type stored, and
later served, is the one found, never the browser's word.

Files go to Django's default storage (the file system, or S3 through django-storages) before
any row lock is taken: with S3 that is a network call, and no network call happens inside a
transaction that holds locks. A file whose rows then fail to commit is deleted again.

A platform's media (a photo in a tweet) is recorded as a link to the platform's copy and never
downloaded (`attachment_link_create`, `attachment_links_create_bulk`).
"""

import hashlib
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import filetype
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from ..access import is_agent
from ..events import attachment_added_event
from ..models import Attachment, Comment, Contact, Incident, IncidentStatus, Visibility
from ..signals import Change, announce_change
from .common import _locked_incident
from .contacts import _surviving_contact
from .reporters import acts_as_customer, incident_reply

# filetype reads at most this much; plain text is judged on the same sample.
SNIFF_BYTES = 8192
TEXT_TYPE = "text/plain"
# Control characters a text file may hold: tab, line feed, form feed, carriage return, escape
# (colour codes in logs).
_TEXT_CONTROLS = frozenset(b"\t\n\x0c\r\x1b")
_UNSAFE_NAME_CHARACTERS = re.compile(r'[\x00-\x1f\x7f"<>:|?*]')


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks, with what they found."""

    file: File
    name: str
    content_type: str
    size: int
    sha256: str


def attachment_clean_name(name: str) -> str:
    """The name as given, without any folder, control character or character a file system
    refuses, at most 255 characters (its ending kept), "attachment" if nothing is left."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME_CHARACTERS.sub("", name).strip().strip(".").strip()
    if not name:
        return "attachment"
    if len(name) > 255:
        stem, ending = os.path.splitext(name)
        name = stem[: 255 - len(ending[:20])] + ending[:20]
    return name


def _name_ending(name: str) -> str:
    return os.path.splitext(name.lower())[1].lstrip(".")


def _looks_like_text(sample: bytes) -> bool:
    """UTF-8 (or ASCII) text without control characters other than whitespace and escape.
    The sample may end inside a multi-byte character."""
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(sample) - 3:
            return False
    return not any((byte < 0x20 and byte not in _TEXT_CONTROLS) or byte == 0x7F for byte in sample)


def attachment_sniff(sample: bytes) -> str | None:
    """The content type of a file, from its first bytes: a known signature, or plain text;
    None when it is neither (or empty)."""
    if not sample:
        return None
    kind = filetype.guess(sample)
    if kind is not None:
        return kind.mime
    return TEXT_TYPE if _looks_like_text(sample) else None


def _describe(content_type: str) -> str:
    endings = settings.ATTACHMENT_ALLOWED_TYPES.get(content_type)
    return f"{content_type} (.{endings[0]})" if endings else content_type


def _read_and_hash(file: File) -> tuple[bytes, int, str]:
    """The file's first bytes, its size and SHA-256, read in chunks; refuses it as soon as it
    is over the limit."""
    digest = hashlib.sha256()
    sample = b""
    size = 0
    file.seek(0)
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(64 * 1024), b""):
        if len(sample) < SNIFF_BYTES:
            sample += chunk[: SNIFF_BYTES - len(sample)]
        size += len(chunk)
        if size > settings.ATTACHMENT_MAX_BYTES:
            raise ValidationError(
                {"file": f"Files may be at most {filesizeformat(settings.ATTACHMENT_MAX_BYTES)}; this one is larger."}
            )
        digest.update(chunk)
    file.seek(0)
    return sample, size, digest.hexdigest()


def check_attachment(*, file: File, name: str | None = None) -> CheckedFile:
    """Refuse a file the limits do not allow (a `ValidationError` on "file" saying why); what
    the checks found if they do. Reads the file once; stores nothing."""
    name = attachment_clean_name(name if name is not None else (file.name or ""))
    sample, size, sha256 = _read_and_hash(file)
    if size == 0:
        raise ValidationError({"file": f"{name} is empty."})
    content_type = attachment_sniff(sample)
    allowed = settings.ATTACHMENT_ALLOWED_TYPES
    if content_type is None or content_type not in allowed:
        what = f"a file of type {content_type}" if content_type else "a kind of file the desk cannot tell"
        kinds = ", ".join(sorted({f".{endings[0]}" for endings in allowed.values()}))
        raise ValidationError({"file": f"{name} is {what}, which the desk does not take. It takes {kinds}."})
    ending = _name_ending(name)
    if ending not in allowed[content_type]:
        said = f"its name ends in .{ending}" if ending else "its name has no ending"
        raise ValidationError({"file": f"{name} holds {_describe(content_type)} but {said}: rename it to what it is."})
    return CheckedFile(file=file, name=name, content_type=content_type, size=size, sha256=sha256)


def check_attachments(*, files: Sequence[File]) -> list[CheckedFile]:
    """Every file checked; one refused refuses the upload, with every file's reason."""
    if len(files) > settings.ATTACHMENT_MAX_FILES:
        raise ValidationError({"file": f"At most {settings.ATTACHMENT_MAX_FILES} files at a time."})
    checked, errors = [], []
    for file in files:
        try:
            checked.append(check_attachment(file=file))
        except ValidationError as error:
            errors.extend(error.message_dict["file"])
    if errors:
        raise ValidationError({"file": errors})
    return checked


def check_attachment_allowed(
    *, incident: Incident, actor: User | Contact | None, visibility: str, comment: Comment | None = None
) -> None:
    """Who may attach what where. Agents attach anywhere, public or internal; a customer only
    to an incident they reported, publicly, while it takes replies; a contact (a social
    channel, e-mail) and the system publicly."""
    if comment is not None and comment.incident_id != incident.pk:
        raise ValueError("The comment is not on this incident.")
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": f"Unknown visibility {visibility!r}."})
    if isinstance(actor, User) and is_agent(actor):
        return
    if visibility != Visibility.PUBLIC:
        raise PermissionDenied("Only agents attach internal files.")
    if isinstance(actor, User):
        if not acts_as_customer(actor) or incident.reporter.user_id != actor.pk:
            raise PermissionDenied("You can attach files to your own incidents only.")
        if incident.status in (IncidentStatus.CLOSED, IncidentStatus.CANCELLED):
            raise ValidationError(
                {"file": f"{incident.number} is {incident.get_status_display().lower()}; please raise a new incident."}
            )


def _uploader_fields(actor: User | Contact | None) -> dict:
    if isinstance(actor, Contact):
        return {"uploaded_by_contact": _surviving_contact(actor)}
    return {"uploaded_by_user": actor}


def _store(checked: Sequence[CheckedFile]) -> list[str]:
    """Each file into the default storage, under a name of its own; their storage names."""
    stored: list[str] = []
    try:
        for item in checked:
            stored.append(default_storage.save(Attachment.file.field.generate_filename(None, item.name), item.file))
    except Exception:
        _forget(stored)
        raise
    return stored


def _forget(stored: Sequence[str]) -> None:
    for name in stored:
        default_storage.delete(name)


def _record(
    *,
    incident: Incident,
    checked: Sequence[CheckedFile],
    stored: Sequence[str],
    actor: User | Contact | None,
    comment: Comment | None,
    visibility: str,
    at: datetime,
) -> list[Attachment]:
    attachments = [
        Attachment(
            incident=incident,
            comment=comment,
            visibility=comment.visibility if comment is not None else visibility,
            name=item.name,
            file=storage_name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            created_at=comment.created_at if comment is not None else at,
            **_uploader_fields(actor),
        )
        for item, storage_name in zip(checked, stored, strict=True)
    ]
    for attachment in attachments:
        attachment.full_clean()
    Attachment.objects.bulk_create(attachments)
    for attachment in attachments:
        attachment_added_event(attachment=attachment, actor=actor, at=at).save()
    return attachments


def attachments_create(
    *,
    incident: Incident,
    files: Sequence[File],
    actor: User | Contact | None,
    comment: Comment | None = None,
    visibility: str = Visibility.PUBLIC,
) -> list[Attachment]:
    """Attach `files` to the incident (to `comment`, one of its comments, if given; they are
    then as visible as it is). All or nothing: one file refused, none is taken.

    Call it outside a transaction that holds row locks: with S3 storage, storing is a network
    call. A file whose row does not commit is deleted from the storage again only when this
    function's own transaction fails; an outer transaction rolled back later leaves the file
    unreferenced in the storage (harmless, never served)."""
    if comment is not None:
        visibility = comment.visibility
    check_attachment_allowed(incident=incident, actor=actor, visibility=visibility, comment=comment)
    checked = check_attachments(files=files)
    if not checked:
        return []
    stored = _store(checked)
    try:
        with transaction.atomic():
            now = timezone.now()
            if comment is None:
                # Attached on its own, it is news on the incident; with a reply, the reply is.
                incident = _locked_incident(incident)
                incident.updated_at = now
                incident.save(update_fields=["updated_at"])
            attachments = _record(
                incident=incident,
                checked=checked,
                stored=stored,
                actor=actor,
                comment=comment,
                visibility=visibility,
                at=now,
            )
            if comment is None:
                announce_change(change=Change.INCIDENT_UPDATED, pks=[incident.pk])
    except BaseException:
        _forget(stored)
        raise
    return attachments


def attachment_create(
    *,
    incident: Incident,
    file: File,
    actor: User | Contact | None,
    name: str | None = None,
    comment: Comment | None = None,
    visibility: str = Visibility.PUBLIC,
) -> Attachment:
    """Attach one file (`name`: the name to show, if not the file's own)."""
    if name is not None:
        file.name = name
    return attachments_create(incident=incident, files=[file], actor=actor, comment=comment, visibility=visibility)[0]


def incident_reply_with_attachments(
    *,
    incident: Incident,
    author: User | Contact,
    body: str,
    files: Sequence[File] = (),
    visibility: str = Visibility.PUBLIC,
) -> Comment:
    """A reply (as `incident_reply`) with files attached to it. The files are checked and
    stored first, so a refused file leaves no reply behind, and a refused reply no file."""
    check_attachment_allowed(incident=incident, actor=author, visibility=visibility)
    checked = check_attachments(files=files)
    stored = _store(checked)
    try:
        with transaction.atomic():
            comment = incident_reply(incident=incident, author=author, body=body, visibility=visibility)
            if checked:
                _record(
                    incident=incident,
                    checked=checked,
                    stored=stored,
                    actor=author,
                    comment=comment,
                    visibility=comment.visibility,
                    at=comment.created_at,
                )
    except BaseException:
        _forget(stored)
        raise
    return comment


@dataclass(frozen=True)
class AttachmentLink:
    """A platform's copy of a medium (a photo in a tweet): where it is and what it is."""

    url: str
    name: str = ""
    content_type: str = ""


_url_valid = URLValidator(schemes=["https", "http"])


def _link_attachment(
    *, incident: Incident, comment: Comment | None, link: AttachmentLink, actor: User | Contact | None, at: datetime
) -> Attachment:
    _url_valid(link.url)
    name = attachment_clean_name(link.name or link.url.split("?", 1)[0])
    return Attachment(
        incident=incident,
        comment=comment,
        visibility=comment.visibility if comment is not None else Visibility.PUBLIC,
        name=name,
        external_url=link.url,
        content_type=link.content_type or "application/octet-stream",
        created_at=comment.created_at if comment is not None else at,
        **_uploader_fields(actor),
    )


def attachment_link_create(
    *,
    incident: Incident,
    link: AttachmentLink,
    actor: User | Contact | None,
    comment: Comment | None = None,
) -> Attachment:
    """Record a platform's copy of a medium as an attachment of the incident (or its comment)."""
    check_attachment_allowed(
        incident=incident, actor=actor, visibility=comment.visibility if comment else Visibility.PUBLIC, comment=comment
    )
    now = timezone.now()
    attachment = _link_attachment(incident=incident, comment=comment, link=link, actor=actor, at=now)
    attachment.full_clean()
    with transaction.atomic():
        attachment.save(force_insert=True)
        attachment_added_event(attachment=attachment, actor=actor, at=now).save()
    return attachment


@dataclass(frozen=True)
class AttachmentLinkDraft:
    """One platform medium for `attachment_links_create_bulk`: on an incident, or on one of its
    comments, from whoever posted it."""

    incident: Incident
    link: AttachmentLink
    actor: Contact | None = None
    comment: Comment | None = None


def attachment_links_create_bulk(*, drafts: Sequence[AttachmentLinkDraft]) -> list[Attachment]:
    """Many platform media at once (social intake's batches), in a fixed number of queries,
    with no audit line each: the message that brought them is the record. A link that is not
    a web address is skipped, never failing the batch that brought it."""
    now = timezone.now()
    attachments = []
    for draft in drafts:
        try:
            attachment = _link_attachment(
                incident=draft.incident, comment=draft.comment, link=draft.link, actor=draft.actor, at=now
            )
        except ValidationError:
            continue
        attachment.name = attachment.name[:255]
        attachment.content_type = attachment.content_type[:100]
        attachments.append(attachment)
    return Attachment.objects.bulk_create(attachments)
