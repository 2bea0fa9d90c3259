"""Direct messages on Bluesky: the chat service (`chat.bsky.convo.*`), reached through the
account's PDS with the `atproto-proxy` header (`DeskClient.call(chat=True)`).

In: each poll reads the account's chat log (`getLog`) from its cursor (`dm_poll_cursor`),
and each message someone else wrote (`logCreateMessage`) becomes a DM kept to its
conversation (`convo:<id>`: the conversation is the thread, as Mastodon's direct statuses
are), through the same store-first intake as the notifications, its message id the key. The
desk's own messages in the log are what the outbox sent, recorded there already. A deletion
in the log is the desk's account deleting a message from its own view (Bluesky deletes a chat
message for whoever deletes it, never for the other side): nothing at the source changed.

Out: an answer is `sendMessage` into the conversation. It takes no client id, so a retry
could send it twice: after an interrupted attempt `find_sent` reads the conversation's
latest messages for the desk's own words before anything is sent again.

An account whose chat is refused (an app password made without the direct-messages
permission) has its direct messages off, the reason in `dm_unavailable`; its mentions are
read and answered as before, and the next poll tries the chat again.
"""

import hashlib
import json
import logging
import re
from datetime import timedelta
from typing import Any

from atproto_client import models
from django.utils.dateparse import parse_datetime

from ..errors import RateLimited, Rejected, TemporaryFailure
from ..events import Action, InvalidPayload, Kind, ParsedEvent
from ..inbox.store import inbound_store
from ..models import SocialAccount, SocialMessage
from ..payloads import id_at, list_at, object_at, optional_text_at, text_at, time_at
from . import CHANNEL
from .client import ChatNotAllowed, DeskClient, client_for
from .inbound import _did
from .text import expand_links, graphemes

logger = logging.getLogger(__name__)

CREATE_MESSAGE = "chat.bsky.convo.defs#logCreateMessage"
MESSAGE_VIEW = "chat.bsky.convo.defs#messageView"
THREAD_PREFIX = "convo:"
# A chat message holds 1,000 graphemes (and 10,000 bytes).
LIMIT = 1000
MAX_PAGES = 10
# How many of the conversation's latest messages `find_sent` reads.
FIND_SENT_LIMIT = 50
CLOCK_SKEW = timedelta(minutes=5)
_ID = re.compile(r"[A-Za-z0-9._:~-]{1,100}")


# --- in -------------------------------------------------------------------------------------------


def events_from_log(page: Any, *, account_id: str, desk_did: str) -> list[ParsedEvent]:
    """One page of getLog (`{logs, cursor}`): a DM for each message someone else wrote. A
    malformed one is kept, ignored, with what is wrong, and loses none of the others."""
    events = []
    for index, item in enumerate(list_at(object_at(page, "page").get("logs"), "logs")):
        if not isinstance(item, dict) or item.get("$type") != CREATE_MESSAGE:
            continue  # conversations begun, read, muted, reactions...: nothing to answer
        try:
            event = message_event(item, account_id=account_id, where=f"logs[{index}]")
        except InvalidPayload as error:
            events.append(_ignored(item, account_id=account_id, reason=f"Malformed chat message: {error}"))
            continue
        if event is not None and event.author_id != desk_did:
            events.append(event)
    return events


def message_event(item: Any, *, account_id: str, where: str = "log") -> ParsedEvent | None:
    """A `logCreateMessage` as the desk's DM; None for a message already deleted."""
    item = object_at(item, where)
    convo = id_at(item.get("convoId"), f"{where}.convoId", pattern=_ID)
    message = object_at(item.get("message"), f"{where}.message")
    if message.get("$type", MESSAGE_VIEW) != MESSAGE_VIEW:
        return None  # a deletedMessageView: no words left to read
    message_id = id_at(message.get("id"), f"{where}.message.id", pattern=_ID)
    sender = _did(object_at(message.get("sender"), f"{where}.message.sender").get("did"), f"{where}.message.sender")
    profile = next((p for p in item.get("relatedProfiles") or [] if isinstance(p, dict) and p.get("did") == sender), {})
    handle = optional_text_at(profile.get("handle"), f"{where}.relatedProfiles.handle")
    reply_to = message.get("replyTo")
    facets = list_at(message.get("facets") or [], f"{where}.message.facets")
    return ParsedEvent(
        channel=CHANNEL,
        account_id=account_id,
        external_id=message_id,
        action=Action.CREATE,
        kind=Kind.DM,
        author_id=sender,
        author_handle=f"@{handle}" if handle else "",
        author_name=optional_text_at(profile.get("displayName"), f"{where}.relatedProfiles.displayName") or handle,
        text=expand_links(text_at(message.get("text", ""), f"{where}.message.text"), facets),
        created_at=time_at(message.get("sentAt"), f"{where}.message.sentAt"),
        in_reply_to=str(reply_to.get("id") or "") if isinstance(reply_to, dict) else "",
        thread_key=f"{THREAD_PREFIX}{convo}",
        url=f"https://bsky.app/messages/{convo}",
        mentions_account=True,
        raw=item,
    )


def poll_direct_messages(*, account: SocialAccount, client: DeskClient) -> int:
    """Store the DMs since the account's chat cursor; the number of new events. Never raises
    for the chat's refusal or failure: the notifications were read, and stay so."""
    cursor = account.dm_poll_cursor or None
    stored = 0
    answered = False  # the chat answered: direct messages work
    try:
        # The first poll reads one page: it is where the cursor starts, not months of chats.
        for _ in range(MAX_PAGES if cursor else 1):
            page = client.call(
                "chat.bsky.convo.getLog", params=models.ChatBskyConvoGetLog.Params(cursor=cursor), chat=True
            )
            answered = True
            events = events_from_log(page, account_id=account.external_id, desk_did=client.did)
            stored += len(inbound_store(events=events, source="poll"))
            following = page.get("cursor") if isinstance(page.get("cursor"), str) else None
            moved = bool(following) and following != cursor
            cursor = following or cursor
            if not page.get("logs") or not moved:
                break
    except ChatNotAllowed as error:
        reason = str(error)[:500]
        if account.dm_unavailable != reason:
            account.dm_unavailable = reason
            account.save(update_fields=["dm_unavailable"])
            logger.warning("%s: direct messages are off: %s", account, error)
        return stored
    except (RateLimited, TemporaryFailure, Rejected, InvalidPayload) as error:
        # The pages stored so far keep their cursor; the rest are read at the next poll.
        logger.warning("%s: direct messages not polled: %s", account, error)
    fields = []
    if cursor and cursor != account.dm_poll_cursor:
        account.dm_poll_cursor = cursor[:200]
        fields.append("dm_poll_cursor")
    if answered and account.dm_unavailable:
        account.dm_unavailable = ""
        fields.append("dm_unavailable")
    if fields:
        account.save(update_fields=fields)
    return stored


def _ignored(item: Any, *, account_id: str, reason: str) -> ParsedEvent:
    digest = hashlib.blake2b(json.dumps(item, sort_keys=True, default=str).encode(), digest_size=10).hexdigest()
    return ParsedEvent(
        channel=CHANNEL,
        account_id=account_id,
        external_id=f"chat:{digest}",
        action=Action.IGNORE,
        kind=Kind.OTHER,
        ignore_reason=reason[:500],
        raw=item if isinstance(item, dict) else {"value": item},
    )


# --- out ------------------------------------------------------------------------------------------


def convo_id(message: SocialMessage) -> str:
    return message.thread_key.removeprefix(THREAD_PREFIX) if message.thread_key.startswith(THREAD_PREFIX) else ""


def rule_violation(*, account: SocialAccount, message: SocialMessage) -> str:
    if account.dm_unavailable:
        return f"Direct messages are off for this Bluesky account: {account.dm_unavailable}"
    if not convo_id(message):
        return "A direct message on Bluesky needs the conversation it answers."
    length = graphemes(message.text.strip())
    if length > LIMIT:
        return f"A Bluesky chat message holds {LIMIT} graphemes; this answer has {length}."
    return ""


def send(*, account: SocialAccount, message: SocialMessage) -> list[str]:
    client = client_for(account)
    answer = client.call(
        "chat.bsky.convo.sendMessage",
        data=models.ChatBskyConvoSendMessage.Data(
            convo_id=convo_id(message), message=models.ChatBskyConvoDefs.MessageInput(text=message.text.strip())
        ),
        write=True,
        chat=True,
    )
    if not isinstance(answer.get("id"), str):
        raise Rejected("Bluesky's chat answered without the message's id.")
    return [answer["id"]]


def find_sent(*, account: SocialAccount, message: SocialMessage) -> list[str]:
    """The answer among the conversation's latest messages (the desk's, with the same words,
    sent since the attempt began), [] if it is not there."""
    client = client_for(account)
    page = client.call(
        "chat.bsky.convo.getMessages",
        params=models.ChatBskyConvoGetMessages.Params(convo_id=convo_id(message), limit=FIND_SENT_LIMIT),
        chat=True,
    )
    expected = " ".join(message.text.split())
    since = message.created_at - CLOCK_SKEW
    for found in page.get("messages") or []:
        if not isinstance(found, dict) or (found.get("sender") or {}).get("did") != client.did:
            continue
        sent_at = parse_datetime(str(found.get("sentAt") or ""))
        if sent_at is not None and sent_at < since:
            continue
        if " ".join(str(found.get("text") or "").split()) == expected and isinstance(found.get("id"), str):
            return [found["id"]]
    return []
