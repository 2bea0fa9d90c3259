"""E-mail's side of the platform contract (`social.platforms.PlatformProtocol`): raw messages
by webhook (`views`) and from an IMAP mailbox (`poll`, and `watch`: IMAP IDLE), answers checked and sent through
Django's e-mail backend (`outbound`); the files a mail carries, for the incident's
attachments (`message_files`)."""

from ..inbox.files import MessageFile
from ..models import SocialMessage
from .idle import watch
from .inbound import attached_files, parse_message, raw_message
from .outbound import find_sent, rule_violation, send
from .poll import poll
from .views import webhook


def message_files(*, message: SocialMessage) -> list[MessageFile]:
    """The attachments of the mail, read again from the raw message it keeps."""
    raw = message.raw if isinstance(message.raw, dict) else {}
    if not raw.get("attachments"):
        return []
    source = raw_message(raw)
    if not source.strip():
        return []
    return [MessageFile(name=name, content=content) for name, content in attached_files(parse_message(source))]


__all__ = ["find_sent", "message_files", "poll", "rule_violation", "send", "watch", "webhook"]
