"""E-mail's side of the platform contract (`social.platforms.PlatformProtocol`): raw messages
by webhook (`views`) and from an IMAP mailbox (`poll`), answers checked and sent through
Django's e-mail backend (`outbound`)."""

from .outbound import find_sent, rule_violation, send
from .poll import poll
from .views import webhook

__all__ = ["find_sent", "poll", "rule_violation", "send", "webhook"]
