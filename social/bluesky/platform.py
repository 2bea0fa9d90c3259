"""Bluesky's side of the platform contract (`social.platforms.PlatformProtocol`): mentions,
replies and quotes polled from the notifications API and direct messages from the chat's log
(`chat`), the listening queries' terms found by post search, reply posts checked, put under
record keys chosen before posting, and looked for, and direct messages answered in their
conversation. No webhook: the PDS offers none."""

from django.http import Http404, HttpRequest, HttpResponse

from .listen import listen
from .outbound import find_sent, rule_violation, send
from .poll import poll


def webhook(request: HttpRequest) -> HttpResponse:
    raise Http404("Bluesky delivers nothing by webhook; the desk polls it.")


__all__ = ["find_sent", "listen", "poll", "rule_violation", "send", "webhook"]
