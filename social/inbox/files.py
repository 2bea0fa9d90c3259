"""The files inbound messages carry (an e-mail's attachments), kept as their incidents'
attachments through tickets' service (`attachment_create`: checked by content against the
desk's size and type limits, stored in Django's storage).

Run by a task after the batch that stored the messages has committed (storing a file may be a
network call: never inside the batch's transaction). Safe to run twice: a file whose content
(its SHA-256) the incident already has is not kept again. A file the limits refuse is named,
with the reason, in the message's state reason; the others are kept all the same.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from tickets.models import Attachment
from tickets.services import attachment_create

from .. import platforms
from ..models import Direction, MessageState, SocialMessage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MessageFile:
    """One file of a message: its name as sent, and its bytes."""

    name: str
    content: bytes


def file_channels() -> list[str]:
    return [platform.channel for platform in platforms.registered() if platform.capabilities.files]


def messages_files_store(*, message_ids: list[int]) -> int:
    """Keep the files of these messages (those of platforms whose messages carry files, that
    opened or joined an incident); the number of attachments made."""
    channels = file_channels()
    if not channels or not message_ids:
        return 0
    messages = (
        SocialMessage.objects.filter(
            pk__in=message_ids,
            channel__in=channels,
            direction=Direction.INBOUND,
            incident__isnull=False,
            state__in=[MessageState.NEW_INCIDENT, MessageState.JOINED],
        )
        .select_related("incident", "comment", "identity__contact")
        .order_by("pk")
    )
    kept = 0
    for message in messages:
        kept += message_files_store(message=message)
    return kept


def message_files_store(*, message: SocialMessage) -> int:
    files = platforms.get(message.channel).client.message_files(message=message)
    if not files:
        return 0
    incident = message.incident
    known = set(Attachment.objects.filter(incident=incident).values_list("sha256", flat=True))
    contact = message.identity.contact if message.identity_id else None
    kept, refused = 0, []
    for item in files:
        digest = hashlib.sha256(item.content).hexdigest()
        if digest in known:
            continue
        try:
            attachment_create(
                incident=incident,
                file=ContentFile(item.content, name=item.name),
                name=item.name,
                actor=contact,
                comment=message.comment if message.comment_id else None,
            )
        except (ValidationError, PermissionDenied) as error:
            said = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            refused.append(said)
            continue
        known.add(digest)
        kept += 1
    reason = f"Not kept: {' '.join(refused)}" if refused else ""
    if reason and reason not in message.state_reason:
        # After what the intake said of it (a follow-up, say).
        message.state_reason = f"{message.state_reason} {reason}".strip()[:500]
        SocialMessage.objects.filter(pk=message.pk).update(state_reason=message.state_reason)
        logger.info("Message %s: %s", message.pk, reason)
    return kept
