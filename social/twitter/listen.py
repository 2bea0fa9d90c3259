"""Listening on X: recent search (`GET /2/tweets/search/recent`, tweepy's
`search_recent_tweets`) for each listening query, from the last post seen (`since_id`).

X's Basic tier allows 60 recent searches per 15 minutes: every call takes one request from
the budget the desk gives (`RequestBudget`), a 429 stops the run until X's reset time (its
`x-rate-limit-reset` header, read by `client.rate_limit_reset`), and so does an answer whose
`x-rate-limit-remaining` says nothing is left. A search's cursor moves only once all of its
pages are read, so a run cut short reads them again next time and the store keeps each post
once.
"""

import logging
from collections.abc import Mapping
from datetime import UTC, datetime

from ..errors import RateLimited, SendError
from ..events import Action, InvalidPayload, Kind
from ..listening import Heard, ListenResult, RequestBudget, Search
from ..models import SocialAccount
from ..payloads import list_at, object_at
from .client import client_for, reads_as_user, translated_errors
from .inbound import _post_event, post_v2, users_v2

logger = logging.getLogger(__name__)

SEARCH_FIELDS = {
    "expansions": "author_id,referenced_tweets.id",
    "tweet_fields": "conversation_id,in_reply_to_user_id,created_at,referenced_tweets,author_id,entities,note_tweet",
    "user_fields": "username,name",
    "max_results": 100,
}
# A query longer than this is refused by X on the self-serve tiers (Pro allows 1,024).
QUERY_LIMIT = 512
# The pages of one search read in one run, newest first; beyond them the oldest are skipped.
MAX_PAGES = 5


def search_query(search: Search, *, handle: str = "") -> str:
    """X's query for a search: any of its terms, none of its excluded ones, no reposts, and not
    the desk's own posts. `VPN down`, `#AcmeIT` and `"Acme IT"` → `("VPN down" OR #AcmeIT OR
    "Acme IT") -is:retweet -from:desk`."""
    terms = [_term(term) for term in search.terms if _term(term)]
    if not terms:
        return ""
    query = terms[0] if len(terms) == 1 else f"({' OR '.join(terms)})"
    query += "".join(f" -{_term(term)}" for term in search.excluded if _term(term))
    query += " -is:retweet"
    handle = handle.strip().lstrip("@")
    if handle:
        query += f" -from:{handle}"
    return query


def _term(term: str) -> str:
    words = " ".join(term.replace('"', " ").split())
    if not words:
        return ""
    if " " in words or not (words[0] in "#@$" or words.isalnum()):
        return f'"{words}"'  # a phrase, or a word with punctuation X would read as an operator
    return words


def listen(
    *, account: SocialAccount, searches: list[Search], cursors: Mapping[str, str], budget: RequestBudget
) -> ListenResult:
    result = ListenResult()
    if not account.bearer_token and not account.can_send:
        result.error = "No X bearer token or access token is configured: nothing can be searched."
        return result
    client = client_for(account)
    limits: dict[str, str] = {}
    # tweepy answers with the JSON body only; X's rate-limit headers are read as they pass.
    client.session.hooks["response"].append(
        lambda response, *args, **kwargs: limits.update({k.lower(): v for k, v in response.headers.items()})
    )
    for search in searches:
        query = search_query(search, handle=account.handle)
        if not query:
            continue
        if len(query) > QUERY_LIMIT:
            result.error = f"The query {search.key} is {len(query)} characters long; X allows {QUERY_LIMIT}."
            result.completed.append(search.key)
            continue
        if not _search(client, account, search, query, cursors.get(search.key, ""), budget, limits, result):
            break
    return result


def _search(client, account, search, query, cursor, budget, limits, result) -> bool:
    """Read one search's new pages into `result`; False when the run must stop here."""
    since_id = cursor if cursor.isdigit() else None
    newest = ""
    next_token = None
    # The first run of a search reads its latest page only: a week of old posts is not news.
    for page_number in range(MAX_PAGES if since_id else 1):
        if not budget.take():
            result.budget_exhausted = True
            return False
        limits.clear()
        try:
            with translated_errors():
                page = client.search_recent_tweets(
                    query, since_id=since_id, next_token=next_token, user_auth=reads_as_user(account), **SEARCH_FIELDS
                )
        except RateLimited as error:
            result.rate_limited_until = error.retry_at
            logger.warning("%s: listening stopped: %s", account, error)
            return False
        except SendError as error:
            result.error = f"X search for {search.key} failed: {error}"
            logger.warning("%s: %s", account, result.error)
            return False
        meta = page.get("meta") if isinstance(page.get("meta"), dict) else {}
        if page_number == 0:
            newest = str(meta.get("newest_id") or "")
        _read_page(page, account=account, search=search, result=result)
        next_token = meta.get("next_token")
        exhausted = _window_exhausted(limits)
        if exhausted:
            result.rate_limited_until = exhausted
        if not next_token:
            break
        if exhausted:
            return False
    if newest.isdigit() and (not since_id or int(newest) > int(since_id)):
        result.cursors[search.key] = newest
    result.completed.append(search.key)
    return result.rate_limited_until is None


def _read_page(page: dict, *, account: SocialAccount, search: Search, result: ListenResult) -> None:
    """Each post of a page as a heard event; a post that cannot be read is counted and skipped,
    the others kept."""
    try:
        includes = object_at(page.get("includes", {}), "includes")
        users = users_v2(includes.get("users", []))
        tweets = includes.get("tweets", [])
        data = list_at(page.get("data", []), "data")
    except InvalidPayload as error:
        logger.warning("%s: an X search page could not be read: %s", account, error)
        result.skipped += 1
        return
    for index, tweet in enumerate(data):
        try:
            event = _post_event(
                post_v2(tweet, f"data[{index}]", tweets=tweets), account_id=account.external_id, users=users, raw=tweet
            )
        except InvalidPayload as error:
            logger.warning("%s: a post of an X search was skipped: %s", account, error)
            result.skipped += 1
            continue
        if event.action == Action.IGNORE or (event.author_id and event.author_id == account.external_id):
            continue  # a repost, or the desk's own post
        if event.kind == Kind.POST:
            # A standalone post: on X it is answered with a reply under it, as a mention is
            # (intake's POST is the desk's own post, answered by nothing).
            event.kind = Kind.MENTION
        result.heard.append(Heard(search_key=search.key, event=event))


def _window_exhausted(headers: Mapping[str, str]) -> datetime | None:
    """When X's window ends, if its last answer says no request is left in it."""
    if headers.get("x-rate-limit-remaining") == "0" and str(headers.get("x-rate-limit-reset", "")).isdigit():
        return datetime.fromtimestamp(int(headers["x-rate-limit-reset"]), tz=UTC)
    return None
