"""Answers going out on Bluesky: a reply post (a thread of numbered posts above 300 graphemes)
under the person's post, starting with a mention of them; a direct message is answered in its
conversation (`chat`).

Each part is a record whose key the desk chooses before posting: a TID derived from the
outbox message and the part's number, with a `createdAt` derived the same way, so every
attempt puts the very same record at the very same key (`com.atproto.repo.putRecord`). A
retry after a timeout, a crash or a lost answer rewrites the record with itself, a no-op:
nothing is ever posted twice, and a thread cut short is completed, not started again.

The reply's references: `parent` is the post answered, `root` the root of its thread (the
post itself when it is not a reply); each further part answers the part before.
"""

from datetime import timedelta

from atproto_client import models

from ..errors import Rejected, TokenInvalid
from ..events import Kind
from ..models import SocialAccount, SocialMessage
from . import chat
from .client import client_for
from .text import BYTE_LIMIT, graphemes, mention_facet, split_thread, tid

COLLECTION = "app.bsky.feed.post"
MAX_THREAD_PARTS = 10


def reply_text(message: SocialMessage) -> str:
    """The answer, starting with the person's @handle unless it names them already."""
    text = message.text.strip()
    handle = message.identity.handle if message.identity_id and message.identity else ""
    if handle and handle.casefold() not in text.casefold():
        text = f"{handle} {text}"
    return text


def rule_violation(*, account: SocialAccount, message: SocialMessage, replying_to, last_inbound_at=None) -> str:
    if not message.text.strip():
        return "There is nothing to send."
    if message.kind == Kind.DM:
        return chat.rule_violation(account=account, message=message)
    if message.kind != Kind.REPLY:
        return f"The desk answers on Bluesky by reply, not by {message.get_kind_display().lower()}."
    if not message.in_reply_to:
        return "A reply on Bluesky needs the post it answers."
    parts = split_thread(reply_text(message))
    if len(parts) > MAX_THREAD_PARTS:
        return f"Too long for Bluesky: it would take {len(parts)} posts; keep it within {MAX_THREAD_PARTS}."
    if replying_to is not None and replying_to.deleted:
        return "That post was deleted on Bluesky; it cannot be answered any more."
    if replying_to is not None and not _strong_ref(replying_to.raw):
        return "The desk does not have that post's reference (its cid); it cannot be answered on Bluesky."
    return ""


def record_keys(message: SocialMessage, parts: int) -> list[str]:
    """The record key of each part: the same on every attempt, unique to this message."""
    return [tid(message.created_at + timedelta(microseconds=index), clock_id=message.pk) for index in range(parts)]


def records(message: SocialMessage, *, root: dict, parent: dict, did: str) -> list[tuple[str, dict]]:
    """(record key, record) of each part but the references of the later parts, which need
    the cid of the part before (`send` fills them)."""
    texts = split_thread(reply_text(message))
    keys = record_keys(message, len(texts))
    handle = message.identity.handle.lstrip("@") if message.identity_id and message.identity else ""
    person = message.identity.external_id if message.identity_id and message.identity else ""
    found = []
    for index, (key, text) in enumerate(zip(keys, texts, strict=True)):
        record = {
            "$type": COLLECTION,
            "text": text,
            # Derived, not now: the same record on every attempt.
            "createdAt": (message.created_at + timedelta(microseconds=index)).isoformat().replace("+00:00", "Z"),
            "reply": {"root": root, "parent": parent},
        }
        facet = mention_facet(text, handle, person) if index == 0 and handle else None
        if facet:
            record["facets"] = [facet]
        found.append((key, record))
    return found


def send(*, account: SocialAccount, message: SocialMessage) -> list[str]:
    """Put every part in order; the at-uri of each. Parts already there are put again as they
    are (a no-op) for their cid, which the next part's `parent` names."""
    if not account.can_send:
        raise TokenInvalid(account.missing_credentials)
    if message.kind == Kind.DM:
        return chat.send(account=account, message=message)
    answered = (
        SocialMessage.objects.filter(channel=message.channel, external_id=message.in_reply_to)
        .values_list("raw", flat=True)
        .first()
    )
    parent = _strong_ref(answered)
    if not parent:
        raise Rejected("The desk does not have the answered post's reference (its cid).")
    root = _root_ref(answered) or parent
    client = client_for(account)
    uris = []
    for key, record in records(message, root=root, parent=parent, did=client.did):
        if len(record["text"].encode()) > BYTE_LIMIT or graphemes(record["text"]) > 300:
            raise Rejected("A part of this answer is longer than a Bluesky post.")
        record["reply"]["parent"] = parent
        answer = client.call(
            "com.atproto.repo.putRecord",
            data=models.ComAtprotoRepoPutRecord.Data(repo=client.did, collection=COLLECTION, rkey=key, record=record),
            write=True,
        )
        parent = {"uri": str(answer.get("uri")), "cid": str(answer.get("cid"))}
        uris.append(parent["uri"])
    return uris


def find_sent(*, account: SocialAccount, message: SocialMessage) -> list[str] | None:
    """The parts are at keys chosen before posting: whether they are there says it. A direct
    message has no key of its own: the conversation's latest messages say it."""
    if message.kind == Kind.DM:
        return chat.find_sent(account=account, message=message)
    client = client_for(account)
    keys = record_keys(message, len(split_thread(reply_text(message))))
    found = []
    for key in keys:
        try:
            answer = client.call(
                "com.atproto.repo.getRecord",
                params=models.ComAtprotoRepoGetRecord.Params(repo=client.did, collection=COLLECTION, rkey=key),
            )
        except Rejected:  # RecordNotFound: that part is not there
            break
        found.append(str(answer.get("uri")))
    # Not all there: putting every part again (a no-op for those there) completes it.
    return found if len(found) == len(keys) else []


def _strong_ref(raw) -> dict:
    if isinstance(raw, dict) and isinstance(raw.get("uri"), str) and isinstance(raw.get("cid"), str):
        return {"uri": raw["uri"], "cid": raw["cid"]}
    return {}


def _root_ref(raw) -> dict:
    record = raw.get("record") if isinstance(raw, dict) else None
    reply = record.get("reply") if isinstance(record, dict) else None
    root = reply.get("root") if isinstance(reply, dict) else None
    return _strong_ref(root)
