"""Fixtures of the inbox's tests: the desk's X account and Facebook page, events as their
parsers give them, and a drain that runs every shard's batches as the workers would."""

import pytest
from django.utils import timezone

from social.events import SHARDS, Kind, ParsedEvent
from social.inbox import claim
from social.inbox.store import inbound_store
from social.models import SocialAccount, SocialMessage

DESK = "1000"  # the desk's X account id
PAGE = "2000"  # the desk's Facebook page id


@pytest.fixture(autouse=True)
def accounts(db):
    SocialAccount.objects.create(channel="twitter", external_id=DESK, handle="@desk")
    SocialAccount.objects.create(channel="facebook", external_id=PAGE, handle="Desk page")


def tweet(external_id, text="@desk my VPN drops every 5 minutes", *, author="42", handle="@jess", **fields):
    fields.setdefault("thread_key", fields.get("in_reply_to") or external_id)
    fields.setdefault("kind", Kind.REPLY if fields.get("in_reply_to") else Kind.MENTION)
    fields.setdefault("url", f"https://x.com/jess/status/{external_id}")
    return ParsedEvent(
        channel="twitter",
        account_id=DESK,
        external_id=external_id,
        author_id=author,
        author_handle=handle,
        author_name="Jess",
        text=text,
        created_at=timezone.now(),
        mentions_account=True,
        **fields,
    )


def fb(external_id, text="The wifi in building B is down", *, kind=Kind.POST, author="77", **fields):
    fields.setdefault("thread_key", external_id if kind == Kind.POST else fields.get("in_reply_to", ""))
    return ParsedEvent(
        channel="facebook",
        account_id=PAGE,
        external_id=external_id,
        kind=kind,
        author_id=author,
        author_name="Pat Visitor",
        text=text,
        created_at=timezone.now(),
        **fields,
    )


def deliver(*events: ParsedEvent) -> list[int]:
    stored = inbound_store(events=events)
    drain()
    return stored


def drain() -> None:
    for shard in range(SHARDS):
        while claim.process_pending(shard=shard):
            pass


def message(external_id: str) -> SocialMessage:
    return SocialMessage.objects.select_related("incident", "comment").get(external_id=external_id)
