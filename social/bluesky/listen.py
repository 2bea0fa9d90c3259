"""Listening on Bluesky: post search (`app.bsky.feed.searchPosts`, through the account's PDS,
which hands it to the AppView) for each term of each listening query, newest first, from the
last post seen.

The search's syntax is unspecified beyond "Lucene is recommended", and it matches all the
words of a query: a query's terms (any of which should match) are therefore searched one by
one, a phrase quoted, and its excluded terms are left out here, by reading the text, rather
than trusted to a syntax the AppView may not follow. Each term keeps its own cursor
(`<query key>:<term>`): the newest `sortAt` it has seen (the earlier of a post's `createdAt`
and `indexedAt`, which is what `since` filters on). `since` includes its instant, so the
newest post is read again next time; the store keeps each post once (its at-uri is its id).
"""

import logging
from collections.abc import Mapping
from typing import Any

from atproto_client import models
from django.utils.dateparse import parse_datetime

from ..errors import RateLimited, SendError
from ..events import InvalidPayload, ParsedEvent
from ..listening import Heard, ListenResult, RequestBudget, Search
from ..models import SocialAccount
from .client import DeskClient, client_for
from .inbound import post_event

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
# The pages of one term read in one run, newest first; beyond them the oldest are skipped.
MAX_PAGES = 3


def search_terms(search: Search) -> list[str]:
    """The query's terms as Bluesky searches them, once each (search ignores case): a phrase
    quoted, a word or #hashtag as it is."""
    terms: list[str] = []
    for term in search.terms:
        words = " ".join(term.replace('"', " ").split())
        if not words:
            continue
        query = f'"{words}"' if " " in words else words
        if query.casefold() not in {known.casefold() for known in terms}:
            terms.append(query)
    return terms


def listen(
    *, account: SocialAccount, searches: list[Search], cursors: Mapping[str, str], budget: RequestBudget
) -> ListenResult:
    result = ListenResult()
    if not account.password and not account.session:
        result.error = f"Not listening: {account.missing_credentials}"
        return result
    try:
        client = client_for(account)
    except RateLimited as error:
        result.rate_limited_until = error.retry_at
        return result
    except SendError as error:
        result.error = f"Not listening: Bluesky refused to sign in: {error}"
        return result
    for search in searches:
        for term in search_terms(search):
            key = f"{search.key}:{term.casefold()}"
            if not _search_term(client, account, search, term, key, cursors.get(key, ""), budget, result):
                return result
        result.completed.append(search.key)
    return result


def _search_term(
    client: DeskClient,
    account: SocialAccount,
    search: Search,
    term: str,
    key: str,
    cursor: str,
    budget: RequestBudget,
    result: ListenResult,
) -> bool:
    """Read one term's new posts into `result`; False when the run must stop here."""
    since = cursor or None
    newest = cursor
    page_cursor = None
    # The first run of a term reads its latest page only: old posts are not news.
    for _ in range(MAX_PAGES if since else 1):
        if not budget.take():
            result.budget_exhausted = True
            return False
        params = models.AppBskyFeedSearchPosts.Params(
            q=term, sort="latest", limit=PAGE_SIZE, since=since, cursor=page_cursor
        )
        try:
            page = client.call("app.bsky.feed.searchPosts", params=params)
        except RateLimited as error:
            result.rate_limited_until = error.retry_at
            logger.warning("%s: listening stopped: %s", account, error)
            return False
        except SendError as error:
            result.error = f"Bluesky search for {term} failed: {error}"
            logger.warning("%s: %s", account, result.error)
            return False
        posts = page.get("posts") if isinstance(page.get("posts"), list) else []
        for index, post in enumerate(posts):
            sort_at = _sort_at(post)
            if sort_at and (not newest or _later(sort_at, newest)):
                newest = sort_at
            try:
                event = post_event(
                    post, account_id=account.external_id, where=f"posts[{index}]", mentions_account=False
                )
            except InvalidPayload as error:
                logger.warning("%s: a post found by %s was skipped: %s", account, term, error)
                result.skipped += 1
                continue
            if event.author_id == client.did or _excluded(event, search):
                continue  # the desk's own post, or one the query leaves out
            result.heard.append(Heard(search_key=search.key, event=event))
        page_cursor = page.get("cursor")
        if not posts or not page_cursor:
            break
    if newest and newest != cursor:
        result.cursors[key] = newest
    return True


def _excluded(event: ParsedEvent, search: Search) -> bool:
    text = event.text.casefold()
    return any(" ".join(term.split()).casefold() in text for term in search.excluded if term.strip())


def _sort_at(post: Any) -> str:
    """The post's `sortAt` as the AppView keeps it: the earlier of its `createdAt` and
    `indexedAt` (a post may claim a time before it reached the network, never after)."""
    if not isinstance(post, dict):
        return ""
    record = post.get("record") if isinstance(post.get("record"), dict) else {}
    times = [value for value in (record.get("createdAt"), post.get("indexedAt")) if isinstance(value, str)]
    parsed = [(moment, value) for value in times if (moment := _parsed(value)) is not None]
    return min(parsed)[1] if parsed else ""


def _later(candidate: str, current: str) -> bool:
    candidate_at, current_at = _parsed(candidate), _parsed(current)
    return candidate_at is not None and (current_at is None or candidate_at > current_at)


def _parsed(value: str):
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None
