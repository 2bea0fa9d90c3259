"""What goes out on Facebook: a comment under the post or comment answered, a Messenger
message to the person, or a post of the page's own (a broadcast). `social.outbox`
(platform-blind) decides when; this module says what Facebook allows (`rule_violation`),
sends (`send`) and, after a timeout, looks for what may already be posted (`find_sent`).
"""

from datetime import datetime, timedelta

from django.utils import timezone

from ..errors import OutcomeUnknown, Rejected, TokenInvalid
from ..events import InvalidPayload, Kind
from ..models import SocialAccount, SocialMessage
from .graph import GraphClient
from .inbound import parse_time

# A page may answer someone on Messenger only within 24 hours of their last message
# (Messenger Platform policy, "standard messaging"); after that Graph refuses with 10/2018278.
MESSENGER_WINDOW = timedelta(hours=24)
MESSENGER_MAX_CHARS = 2000
COMMENT_MAX_CHARS = 8000
# Facebook's limit on a page post's text.
POST_MAX_CHARS = 63206
# How far back find_sent looks before the message was queued (clocks differ a little).
CLOCK_SKEW = timedelta(minutes=5)
FIND_SENT_MAX_PAGES = 10


def rule_violation(
    *,
    account: SocialAccount,
    message: SocialMessage,
    replying_to: SocialMessage | None,
    last_inbound_at: datetime | None,
) -> str:
    """Why Facebook would refuse `message`, as a sentence for the agent; '' when it may go.

    `last_inbound_at` is when the person last wrote in this Messenger conversation.
    """
    text = message.text.strip()
    if not text:
        return "An empty message cannot be sent to Facebook."
    if message.kind == Kind.MESSENGER:
        if len(text) > MESSENGER_MAX_CHARS:
            return f"Messenger messages are limited to {MESSENGER_MAX_CHARS:,} characters; this one has {len(text):,}."
        if not _recipient(message):
            return "This Messenger message has no recipient."
        if last_inbound_at is None:
            return "Messenger only allows a page to answer someone who wrote to it, and this person has not."
        waited = timezone.now() - last_inbound_at
        if waited > MESSENGER_WINDOW:
            hours = int(waited.total_seconds() // 3600)
            return (
                "Messenger only allows an answer within 24 hours of the person's last message, "
                f"and theirs was {hours} hours ago. Answer on another channel, or wait until they write again."
            )
        return ""
    if message.kind == Kind.COMMENT:
        if len(text) > COMMENT_MAX_CHARS:
            return f"Facebook comments are limited to {COMMENT_MAX_CHARS:,} characters; this one has {len(text):,}."
        if not message.in_reply_to:
            return "A Facebook comment must answer a post or a comment."
        if replying_to is not None and replying_to.deleted:
            what = "post" if replying_to.kind == Kind.POST else "comment"
            return f"The {what} was deleted on Facebook, so it can no longer be answered."
        return ""
    if message.kind == Kind.POST:
        if len(text) > POST_MAX_CHARS:
            return f"Facebook page posts are limited to {POST_MAX_CHARS:,} characters; this one has {len(text):,}."
        return ""  # the page's own post (a broadcast)
    return f"On Facebook the desk posts, comments or answers on Messenger, not a {message.get_kind_display()}."


def send(*, account: SocialAccount, message: SocialMessage) -> list[str]:
    """Post `message`; return the Facebook id of what was posted (one item)."""
    with _client(account) as graph:
        if message.kind == Kind.COMMENT:
            answer = graph.post(f"{message.in_reply_to}/comments", message=message.text)
            return [_answer_id(answer, "id", what="comment")]
        if message.kind == Kind.POST:
            answer = graph.post(f"{account.external_id}/feed", message=message.text)
            return [_answer_id(answer, "id", what="page post")]
        if message.kind == Kind.MESSENGER:
            recipient = _recipient(message)
            if not recipient:
                raise Rejected("This Messenger message has no recipient.")
            answer = graph.post(
                f"{account.external_id}/messages",
                recipient={"id": recipient},
                # An answer to the person's message, inside the 24-hour window.
                messaging_type="RESPONSE",
                message={"text": message.text},
            )
            return [_answer_id(answer, "message_id", what="Messenger message")]
    raise Rejected(f"Facebook answers are comments or Messenger messages, not {message.kind!r}.")


def find_sent(*, account: SocialAccount, message: SocialMessage) -> list[str] | None:
    """After `OutcomeUnknown`: the id of the page's comment with this text under the same
    post or comment, made since the message was queued ([] when there is none, so sending
    again is safe). None for Messenger, where Graph cannot list what was sent: the caller
    decides."""
    if message.kind not in (Kind.COMMENT, Kind.POST):
        return None
    wanted = _normalised(message.text)
    cutoff = message.created_at - CLOCK_SKEW
    with _client(account) as graph:
        if message.kind == Kind.POST:  # the page's own posts, newest first
            answer = graph.get(f"{account.external_id}/posts", fields="id,message,from,created_time", limit=100)
        else:
            answer = graph.get(
                f"{message.in_reply_to}/comments",
                fields="id,message,from,created_time",
                order="reverse_chronological",
                limit=100,
            )
        for _ in range(FIND_SENT_MAX_PAGES):
            for comment in answer.get("data") or []:
                if not isinstance(comment, dict):
                    continue
                created_at = _time_or_none(comment.get("created_time"))
                if created_at is not None and created_at < cutoff:
                    return []  # newest first: everything further is older than the message
                author = comment.get("from") if isinstance(comment.get("from"), dict) else {}
                # A page's own posts may come without `from`: they are all the page's.
                ours = str(author.get("id", account.external_id if message.kind == Kind.POST else "")) == (
                    account.external_id
                )
                if ours and comment.get("id") and _normalised(comment.get("message")) == wanted:
                    return [str(comment["id"])]
            next_url = (answer.get("paging") or {}).get("next")
            if not next_url:
                return []
            answer = graph.get_next(next_url)
    return []


def _client(account: SocialAccount) -> GraphClient:
    if not account.page_access_token:
        raise TokenInvalid(account.missing_credentials)
    return GraphClient(account.page_access_token, app_secret=account.app_secret or None)


def _recipient(message: SocialMessage) -> str:
    """The person's page-scoped id (PSID)."""
    if message.identity_id:
        return message.identity.external_id
    return message.thread_key.removeprefix("messenger:") if message.thread_key.startswith("messenger:") else ""


def _answer_id(answer: dict, key: str, *, what: str) -> str:
    value = answer.get(key)
    if not value:
        raise OutcomeUnknown(f"Facebook accepted the {what} but returned no id.")
    return str(value)


def _time_or_none(value) -> datetime | None:
    try:
        return parse_time(value)
    except InvalidPayload:
        return None


def _normalised(text) -> str:
    return " ".join(text.split()) if isinstance(text, str) else ""
