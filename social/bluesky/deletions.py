"""Posts deleted at their source. Bluesky's notifications never say that a post was deleted
(a deletion is a repository event, seen only on the firehose), so each poll looks again at the
people's recent posts the desk keeps: `app.bsky.feed.getPosts` answers those still there, 25 at
a time, and one it leaves out is asked for at its author's repository (`getRecord`) before it
counts as deleted, since a post is also left out when its author blocked the desk or the
AppView hides it. A deletion is stored through the same intake as a mention, and the batch
redacts every copy of the post, keeping the record that it existed (as for X and Mastodon).

Bluesky posts cannot be edited, so there is nothing else to follow here.
"""

import logging
from datetime import datetime, timedelta

from atproto_client import models
from atproto_client.exceptions import AtProtocolError

from ..errors import RateLimited, Rejected, SendError
from ..events import ParsedEvent
from ..inbox.store import inbound_store
from ..models import Direction, SocialAccount, SocialMessage
from . import CHANNEL
from .client import DeskClient, _xrpc_error
from .inbound import post_deletion_event

logger = logging.getLogger(__name__)

# How far back, and how many of the newest posts, each poll looks at again: people delete a
# post soon after writing it, if ever; older ones are left as they were last seen.
RECHECK_DAYS = 7
RECHECK_POSTS = 100
BATCH = 25  # getPosts takes at most 25 at-uris


def follow_deletions(*, account: SocialAccount, client: DeskClient, now: datetime) -> int:
    """Store a deletion for each of the account's recent inbound posts that is gone from its
    author's repository; return how many were new. Never raises for the platform's refusal:
    what was found before it is stored, the rest is looked at next poll."""
    recent = dict(
        SocialMessage.objects.filter(
            channel=CHANNEL,
            account_external_id=account.external_id,
            direction=Direction.INBOUND,
            deleted=False,
            created_at__gte=now - timedelta(days=RECHECK_DAYS),
            external_id__startswith="at://",  # posts; direct messages have chat ids
        )
        .order_by("-created_at")
        .values_list("external_id", "thread_key")[:RECHECK_POSTS]
    )
    uris = list(recent)
    events: list[ParsedEvent] = []
    try:
        for start in range(0, len(uris), BATCH):
            batch = uris[start : start + BATCH]
            page = client.call("app.bsky.feed.getPosts", params=models.AppBskyFeedGetPosts.Params(uris=batch))
            posts = page.get("posts") if isinstance(page.get("posts"), list) else []
            shown = {post.get("uri") for post in posts if isinstance(post, dict)}
            for uri in batch:
                if uri not in shown and _gone(client, uri):
                    events.append(post_deletion_event(uri, account_id=account.external_id, thread_key=recent[uri]))
    except (RateLimited, SendError) as error:
        logger.warning("%s: deletions not followed: %s", account, error)
    return len(inbound_store(events=events, source="poll")) if events else 0


def _gone(client: DeskClient, uri: str) -> bool:
    """Whether the post's record is gone from its author's repository (RecordNotFound), not
    merely hidden from the desk."""
    repo, collection, rkey = uri.removeprefix("at://").split("/", 2)
    try:
        client.call(
            "com.atproto.repo.getRecord",
            params=models.ComAtprotoRepoGetRecord.Params(repo=repo, collection=collection, rkey=rkey),
        )
    except Rejected as error:
        return isinstance(error.__cause__, AtProtocolError) and _xrpc_error(error.__cause__) == "RecordNotFound"
    return False
