"""Facebook's side of the platform contract (`social.platforms.PlatformProtocol`): its
webhook, its page feed polled, and its comments and Messenger answers checked, sent and
looked for."""

from .listen import listen
from .names import person_names
from .outbound import find_sent, rule_violation, send
from .poll import poll
from .views import webhook

__all__ = ["find_sent", "listen", "person_names", "poll", "rule_violation", "send", "webhook"]
