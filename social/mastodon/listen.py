"""Listening on Mastodon: the public timeline of each #hashtag of a listening query
(`GET /api/v1/timelines/tag/:hashtag`, Mastodon.py's `timeline_hashtag`), from the newest
status seen (`since_id`).

Only hashtags are heard: full-text search of statuses is optional on an instance and, where
enabled, finds only statuses the account has met, so a query's other terms are not searched
here. Each hashtag keeps its own cursor (`<query key>:<tag>`), moved once its page is read.
"""

import logging
from collections.abc import Mapping

from ..errors import RateLimited, SendError
from ..events import InvalidPayload, Kind
from ..listening import Heard, ListenResult, RequestBudget, Search
from ..models import SocialAccount
from .client import client_for, plain, translated_errors
from .inbound import status_event

logger = logging.getLogger(__name__)

PAGE_SIZE = 40


def hashtags(search: Search) -> list[str]:
    """The query's hashtags without their "#", once each (Mastodon's tags ignore case)."""
    tags = []
    for term in search.terms:
        tag = term.strip().lstrip("#") if term.strip().startswith("#") else ""
        if tag and tag.replace("_", "").isalnum() and tag.casefold() not in {t.casefold() for t in tags}:
            tags.append(tag)
    return tags


def listen(
    *, account: SocialAccount, searches: list[Search], cursors: Mapping[str, str], budget: RequestBudget
) -> ListenResult:
    result = ListenResult()
    if not account.access_token or not account.base_url:
        result.error = "Not listening: no Mastodon access token or instance address is configured."
        return result
    api = client_for(account)
    for search in searches:
        tags = hashtags(search)
        for tag in tags:
            key = f"{search.key}:{tag.casefold()}"
            if not budget.take():
                result.budget_exhausted = True
                return result
            cursor = cursors.get(key) or None
            try:
                with translated_errors(api):
                    page = plain(api.timeline_hashtag(tag, since_id=cursor, limit=PAGE_SIZE))
            except RateLimited as error:
                result.rate_limited_until = error.retry_at
                return result
            except SendError as error:
                result.error = f"Mastodon #{tag} could not be read: {error}"
                return result
            newest = cursor or ""
            for index, status in enumerate(page if isinstance(page, list) else []):
                try:
                    event = status_event(status, account_id=account.external_id, where=f"[{index}]")
                except InvalidPayload as error:
                    logger.warning("%s: a status of #%s was skipped: %s", account, tag, error)
                    result.skipped += 1
                    continue
                if _newer(event.external_id, newest):
                    newest = event.external_id
                if event.author_id == account.external_id or event.kind == Kind.DM:
                    continue  # the desk's own status
                event.mentions_account = False  # heard under a hashtag, not addressed to the desk
                result.heard.append(Heard(search_key=search.key, event=event))
            if newest:
                result.cursors[key] = newest
        result.completed.append(search.key)
    return result


def _newer(candidate: str, current: str) -> bool:
    if not current:
        return True
    if candidate.isdigit() and current.isdigit():
        return int(candidate) > int(current)
    return (len(candidate), candidate) > (len(current), current)
