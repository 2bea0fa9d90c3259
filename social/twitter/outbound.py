"""What goes out on X: a public reply or a post of the desk's own (a broadcast), each a
numbered thread when it is long, or a direct message.

`social.outbox` runs the delivery (queue, retries, states) for every platform; it asks this
module whether a message may be sent (`rule_violation`), sends it (`send`), and after a
timeout looks for it before trying again (`find_sent`). Errors are `social.errors`, raised
by `client.translated_errors`.
"""

import html
import re
import unicodedata
from datetime import timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..errors import OutcomeUnknown, Rejected, TokenInvalid
from ..events import Kind
from ..models import Direction, MessageState, SocialAccount, SocialMessage
from .client import client_for, reads_as_user, translated_errors
from .text import split_thread

DM_LIMIT = 10_000
# Longer than this is an essay, not an answer; X would also start to throttle the thread.
MAX_THREAD_PARTS = 25
# How far around the message's creation `find_sent` looks, for clocks that disagree.
CLOCK_SKEW = timedelta(minutes=5)
FIND_SENT_PAGES = 5


def rule_violation(
    *, account: SocialAccount, message: SocialMessage, replying_to: SocialMessage | None, last_inbound_at=None
) -> str:
    """Why X would refuse this message, said before trying; '' when it may go. (X sets no
    time limit on answering, so `last_inbound_at` does not matter here.)"""
    text = message.text.strip()
    if not text:
        return "There is nothing to send."
    if message.kind == Kind.DM:
        if len(text) > DM_LIMIT:
            return f"A direct message on X holds at most {DM_LIMIT:,} characters; this one has {len(text):,}."
        return ""
    if message.kind not in (Kind.REPLY, Kind.POST):
        return f"The desk posts on X, replies or sends direct messages, not {message.get_kind_display().lower()}s."
    if message.kind == Kind.REPLY and not message.in_reply_to:
        return "A public reply on X needs the post it answers."
    parts = len(split_thread(text))
    if parts > MAX_THREAD_PARTS:
        return f"Too long for X: it would take {parts} posts; keep it within {MAX_THREAD_PARTS}."
    if message.kind == Kind.POST:
        return ""  # the desk's own post (a broadcast): nobody's post to answer
    if replying_to is None:
        return ""  # a post we never stored: X has the last word
    if replying_to.deleted:
        return "That post was deleted on X; it cannot be answered any more."
    own_post = replying_to.direction == Direction.OUTBOUND or replying_to.state == MessageState.RECORDED
    if account.self_serve_tier and not replying_to.mentions_account and not own_post:
        handle = f"@{account.handle.lstrip('@')}" if account.handle else "the desk's account"
        return (
            f"X's self-serve API tiers only allow public replies to posts that mention or quote {handle}, "
            f"and this post does not. Answer by direct message, or ask them to mention {handle}."
        )
    return ""


def send(*, account: SocialAccount, message: SocialMessage) -> list[str]:
    """Post `message`; return the ids of what is on X (each thread part, or the DM event).

    `message.parts` is written and saved after every part that goes out, so a failure halfway
    through a thread resumes after the last part posted: no part is ever posted twice.
    """
    if message.parts:
        done = [str(part) for part in message.parts]
        if message.kind == Kind.DM or len(done) >= len(split_thread(message.text)):
            return done
    if not account.can_send:
        raise TokenInvalid(account.missing_credentials)
    client = client_for(account)
    if message.kind == Kind.DM:
        target = _dm_target(message)
        with translated_errors(write=True):
            response = client.create_direct_message(text=message.text.strip(), **target)
        sent = [_created_id(response, "dm_event_id")]
        _record_parts(message, sent)
        return sent
    if message.kind not in (Kind.REPLY, Kind.POST):
        raise Rejected(f"The desk does not send {message.get_kind_display().lower()} messages on X.")
    parts = split_thread(message.text)
    sent = [str(part) for part in message.parts]
    # A post (a broadcast) starts its own thread; a reply continues someone's.
    reply_to = sent[-1] if sent else message.in_reply_to
    if not reply_to and message.kind == Kind.REPLY:
        raise Rejected("A public reply on X needs the post it answers.")
    for text in parts[len(sent) :]:
        with translated_errors(write=True):
            if reply_to:
                response = client.create_tweet(text=text, in_reply_to_tweet_id=reply_to)
            else:
                response = client.create_tweet(text=text)
        reply_to = _created_id(response, "id")
        sent.append(reply_to)
        _record_parts(message, sent)
    return sent


def find_sent(*, account: SocialAccount, message: SocialMessage) -> list[str] | None:
    """After `OutcomeUnknown`: whether the message is on X after all. Returns its ids when all
    of it is; [] otherwise (sending is safe), having recorded in `message.parts` any parts it
    did find, so the next `send` goes on after them."""
    client = client_for(account)
    since = min(message.created_at, timezone.now()) - CLOCK_SKEW
    if message.kind == Kind.DM:
        return _find_dm(client, account=account, message=message, since=since)
    parts = split_thread(message.text)
    replies: dict[str, list[dict]] = {}
    pagination_token = None
    for _ in range(FIND_SENT_PAGES):
        with translated_errors():
            page = client.get_users_tweets(
                account.external_id,
                start_time=since,
                max_results=100,
                tweet_fields="referenced_tweets,created_at,conversation_id",
                pagination_token=pagination_token,
                user_auth=reads_as_user(account),
            )
        for tweet in page.get("data") or []:
            answered = [r for r in tweet.get("referenced_tweets") or [] if r.get("type") == "replied_to"]
            for reference in answered:
                replies.setdefault(str(reference.get("id")), []).append(tweet)
            if not answered:  # a post of its own: where a broadcast's thread starts
                replies.setdefault("", []).append(tweet)
        pagination_token = (page.get("meta") or {}).get("next_token")
        if not pagination_token:
            break
    found = [str(part) for part in message.parts]
    reply_to = found[-1] if found else message.in_reply_to
    for text in parts[len(found) :]:
        match = next((t for t in replies.get(reply_to, []) if same_text(t.get("text", ""), text)), None)
        if match is None:
            break
        reply_to = str(match["id"])
        found.append(reply_to)
    if len(found) > len(message.parts):
        _record_parts(message, found)
    return found if parts and len(found) == len(parts) else []


def _find_dm(client, *, account: SocialAccount, message: SocialMessage, since) -> list[str] | None:
    if message.parts:
        return [str(part) for part in message.parts]
    with translated_errors():
        page = client.get_direct_message_events(
            **_dm_target(message),
            dm_event_fields="id,text,sender_id,created_at,dm_conversation_id",
            event_types="MessageCreate",
            max_results=50,
        )
    for event in page.get("data") or []:
        created = parse_datetime(event.get("created_at") or "")
        if (
            str(event.get("sender_id")) == account.external_id
            and same_text(event.get("text", ""), message.text)
            and (created is None or created >= since)
        ):
            found = [str(event["id"])]
            _record_parts(message, found)
            return found
    return []


def same_text(posted: str, intended: str) -> bool:
    """Whether the text X shows is the text we sent: X escapes &<>, wraps links in t.co, and
    puts the @handles of the conversation in front of a reply."""
    return _comparable(posted) == _comparable(intended)


def _comparable(text: str) -> str:
    text = unicodedata.normalize("NFC", html.unescape(text)).strip()
    text = re.sub(r"^(?:@\w+\s+)+", "", text)
    text = re.sub(r"(?:https?://|www\.)\S+", "<link>", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def _dm_target(message: SocialMessage) -> dict[str, str]:
    if message.identity_id:
        return {"participant_id": message.identity.external_id}
    if message.thread_key.startswith("dm:"):
        return {"dm_conversation_id": message.thread_key.removeprefix("dm:")}
    raise Rejected("A direct message needs someone to send it to.")


def _created_id(response: dict, key: str) -> str:
    data = response.get("data") if isinstance(response, dict) else None
    value = data.get(key) if isinstance(data, dict) else None
    if not value:
        # It answered 2xx, so it is probably there: look before posting it again.
        raise OutcomeUnknown(f"X accepted the message but did not say its id ({response!r:.200}).")
    return str(value)


def _record_parts(message: SocialMessage, ids: list[str]) -> None:
    message.parts = list(ids)
    if message.pk:
        message.save(update_fields=["parts"])
