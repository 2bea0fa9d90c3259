"""Listening on Facebook: the posts that tag the page (`GET /{page-id}/tagged`) and the posts
visitors write on it (`GET /{page-id}/visitor_posts`), read through our Graph client.

The Graph API has no public keyword search (Meta closed public post search in 2015): a page
hears only what is addressed to it, so the listening queries' terms are not sent. The desk
files each post under the query whose terms it contains, if any (`listening.services`).

Each edge keeps its own cursor, the creation time of the newest post read, moved once all of
its pages are stored.
"""

import logging
from collections.abc import Mapping
from datetime import timedelta

from django.utils import timezone

from ..errors import RateLimited, SendError
from ..events import InvalidPayload, Kind, ParsedEvent
from ..listening import Heard, ListenResult, RequestBudget, Search
from ..models import SocialAccount
from .graph import GraphClient
from .inbound import CHANNEL, parse_time, post_url

logger = logging.getLogger(__name__)

EDGES = ("tagged", "visitor_posts")
FIELDS = "id,message,created_time,from,permalink_url"
PAGE_SIZE = 100
MAX_PAGES = 10
# Without a cursor (the first run), read this far back.
FIRST_LOOKBACK = timedelta(days=1)


def listen(
    *, account: SocialAccount, searches: list[Search], cursors: Mapping[str, str], budget: RequestBudget
) -> ListenResult:
    result = ListenResult()
    if not account.page_access_token:
        result.error = f"Not listening: {account.missing_credentials}"
        return result
    first_since = int((timezone.now() - FIRST_LOOKBACK).timestamp())
    with GraphClient(account.page_access_token, app_secret=account.app_secret or None) as graph:
        for edge in EDGES:
            cursor = cursors.get(edge, "")
            since = int(cursor) if cursor.isdigit() else first_since
            if not _edge(graph, account, edge, since, budget, result):
                break
    return result


def _edge(graph: GraphClient, account: SocialAccount, edge: str, since: int, budget, result: ListenResult) -> bool:
    """Read one edge's new posts into `result`; False when the run must stop here."""
    latest = since
    answer = None
    next_link = ""
    seen_links = set()
    for _ in range(MAX_PAGES):
        if not budget.take():
            result.budget_exhausted = True
            return False
        try:
            if answer is None:
                answer = graph.get(f"{account.external_id}/{edge}", fields=FIELDS, since=since, limit=PAGE_SIZE)
            else:
                answer = graph.get_next(next_link)
        except RateLimited as error:
            result.rate_limited_until = error.retry_at
            logger.warning("%s: listening stopped: %s", account, error)
            return False
        except SendError as error:
            result.error = f"Facebook {edge} could not be read: {error}"
            logger.warning("%s: %s", account, result.error)
            return False
        data = answer.get("data")
        for item in data if isinstance(data, list) else []:
            event = _event(item, account=account, edge=edge)
            if event is None:
                result.skipped += 1
                continue
            if event.author_id == account.external_id:
                continue  # the page's own post
            latest = max(latest, int(event.created_at.timestamp()))
            result.heard.append(Heard(search_key="", event=event))
        paging = answer.get("paging") if isinstance(answer.get("paging"), dict) else {}
        next_link = paging.get("next")
        if not data or not isinstance(next_link, str) or next_link in seen_links:
            break
        seen_links.add(next_link)
    result.cursors[edge] = str(latest)
    result.completed.append(edge)
    return True


def _event(item: object, *, account: SocialAccount, edge: str) -> ParsedEvent | None:
    """A post as heard, answered (if an agent makes it an incident) with a comment under it."""
    if not isinstance(item, dict):
        return None
    object_id = item.get("id")
    try:
        created_at = parse_time(item.get("created_time"))
    except InvalidPayload:
        created_at = None
    if not isinstance(object_id, str | int) or not str(object_id) or created_at is None:
        logger.warning("Facebook %s: skipped an item without id or time: %r", edge, item)
        return None
    object_id = str(object_id)
    author = item.get("from") if isinstance(item.get("from"), dict) else {}
    text = item.get("message")
    link = item.get("permalink_url")
    return ParsedEvent(
        channel=CHANNEL,
        account_id=account.external_id,
        external_id=object_id,
        kind=Kind.POST,
        author_id=str(author.get("id") or ""),
        author_name=str(author.get("name") or ""),
        text=text if isinstance(text, str) else "",
        created_at=created_at,
        thread_key=object_id,
        url=link if isinstance(link, str) and link.startswith("https://") else post_url(object_id),
        mentions_account=True,  # tagged, or written on the page
        raw=item,
    )
