"""Reading a page's feed on a schedule, for pages whose webhook is not set up (or as a safety
net beside it).

New posts since the cursor and every comment under them become the same `ParsedEvent`s the
webhook gives (same external ids), so a poll overlapping a webhook stores nothing twice.
Each page of the feed is stored as soon as it is read; the cursor moves only once all of
them are stored, so a poll cut short (rate limit, expired token, network) is simply read
again next time.

The cursor is the creation time of the newest post seen, so each poll reads the newest
post's comments again: conversations under the latest post keep being picked up. Comments
on older posts arrive by webhook.
"""

import logging
from collections.abc import Iterator
from datetime import timedelta

from django.utils import timezone

from ..errors import RateLimited, TokenInvalid
from ..events import InvalidPayload, Kind, ParsedEvent
from ..inbox.store import inbound_store
from ..models import SocialAccount
from .graph import GraphClient
from .inbound import CHANNEL, parse_time, post_url

logger = logging.getLogger(__name__)

FEED_FIELDS = "id,message,created_time,from"
COMMENT_FIELDS = "id,message,created_time,from,parent"
PAGE_SIZE = 100
# A feed or a comment thread longer than this many pages is read on the next poll.
MAX_PAGES = 50
# Without a cursor (the first poll), read this far back rather than the page's whole history.
FIRST_POLL_LOOKBACK = timedelta(days=1)


def poll(*, account: SocialAccount) -> int:
    """Read new posts and their comments; return how many events were new."""
    now = timezone.now()
    if account.rate_limited_until and account.rate_limited_until > now:
        return 0
    if not account.page_access_token:
        logger.warning("Facebook poll of %s skipped: %s", account, account.missing_credentials)
        return 0
    since = _cursor(account) or int((now - FIRST_POLL_LOOKBACK).timestamp())
    latest = since
    stored = 0
    page_id = account.external_id
    try:
        with GraphClient(account.page_access_token, app_secret=account.app_secret or None) as graph:
            feed = _pages(graph, f"{page_id}/feed", fields=FEED_FIELDS, since=since, limit=PAGE_SIZE)
            for posts in feed:
                events = []
                for post in posts:
                    post_events = _post_and_comments(graph, post, page_id=page_id)
                    if post_events:
                        latest = max(latest, int(post_events[0].created_at.timestamp()))
                    events.extend(post_events)
                stored += len(inbound_store(events=events, source="poll"))
    except RateLimited as error:
        logger.warning("Facebook poll of %s rate limited until %s", account, error.retry_at)
        account.rate_limited_until = error.retry_at
        account.save(update_fields=["rate_limited_until"])
        return stored
    except TokenInvalid as error:
        logger.warning("Facebook poll of %s: %s", account, error)
        account.token_error = str(error)[:500]
        account.token_error_at = now
        account.save(update_fields=["token_error", "token_error_at"])
        return stored

    account.poll_cursor = str(latest)
    account.polled_at = now
    # The token just worked: whatever was wrong with it is over.
    account.token_error = ""
    account.token_error_at = None
    account.save(update_fields=["poll_cursor", "polled_at", "token_error", "token_error_at"])
    return stored


def _cursor(account: SocialAccount) -> int | None:
    return int(account.poll_cursor) if account.poll_cursor.isdigit() else None


def _post_and_comments(graph: GraphClient, post: dict, *, page_id: str) -> list[ParsedEvent]:
    """The post's event, then one per comment under it (replies included, each naming its parent)."""
    event = _event(post, page_id=page_id, post_id=None)
    if event is None:
        return []
    events = [event]
    comments = _pages(
        graph,
        f"{event.external_id}/comments",
        fields=COMMENT_FIELDS,
        filter="stream",
        order="chronological",
        limit=PAGE_SIZE,
    )
    for batch in comments:
        for comment in batch:
            if comment_event := _event(comment, page_id=page_id, post_id=event.external_id):
                events.append(comment_event)
    return events


def _pages(graph: GraphClient, path: str, **params) -> Iterator[list[dict]]:
    """The `data` of each page of a Graph list, following `paging.next`."""
    answer = graph.get(path, **params)
    seen = set()
    for _ in range(MAX_PAGES):
        data = answer.get("data")
        yield [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []
        next_url = (answer.get("paging") or {}).get("next") if isinstance(answer.get("paging"), dict) else None
        if not next_url or next_url in seen or not data:
            return
        seen.add(next_url)
        answer = graph.get_next(next_url)
    logger.warning("Facebook poll: %s has more than %s pages; the rest is read next time", path, MAX_PAGES)


def _event(item: dict, *, page_id: str, post_id: str | None) -> ParsedEvent | None:
    """A post of the feed (post_id None) or a comment under `post_id`, as the webhook gives it."""
    object_id = item.get("id")
    try:
        created_at = parse_time(item.get("created_time"))
    except InvalidPayload:
        created_at = None
    if not isinstance(object_id, str | int) or not object_id or created_at is None:
        logger.warning("Facebook poll: skipped an item without id or time: %r", item)
        return None
    object_id = str(object_id)
    author = item.get("from") if isinstance(item.get("from"), dict) else {}
    parent = item.get("parent") if isinstance(item.get("parent"), dict) else {}
    text = item.get("message")
    event = ParsedEvent(
        channel=CHANNEL,
        account_id=page_id,
        external_id=object_id,
        kind=Kind.POST,
        author_id=str(author.get("id") or ""),
        author_name=str(author.get("name") or ""),
        text=text if isinstance(text, str) else "",
        created_at=created_at,
        thread_key=post_id or object_id,
        url=post_url(object_id),
        raw=item,
    )
    if post_id:
        event.kind = Kind.COMMENT
        event.in_reply_to = str(parent.get("id") or post_id)
    return event
