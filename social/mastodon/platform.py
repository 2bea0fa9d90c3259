"""Mastodon's side of the platform contract (`social.platforms.PlatformProtocol`): mentions
polled from the notifications API and, where the instance streams, heard at once on the user
stream (`watch`), hashtags listened to, and reply statuses checked, sent and looked for. No
webhook: an ordinary Mastodon account has none to offer."""

from django.http import Http404, HttpRequest, HttpResponse

from .listen import listen
from .outbound import find_sent, rule_violation, send
from .poll import poll
from .stream import watch


def webhook(request: HttpRequest) -> HttpResponse:
    raise Http404("Mastodon delivers nothing by webhook; the desk polls it.")


__all__ = ["find_sent", "listen", "poll", "rule_violation", "send", "watch", "webhook"]
