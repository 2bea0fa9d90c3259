"""One listening run: every account of a platform that can listen, each heard through its
platform's `listen` (`social.listening.ListeningProtocol`) and stored by `services.heard_store`.

Safe to run twice at once and after a crash: an account is listened to under a lease taken
with one conditional UPDATE (a second run skips it; a lease left by a dead worker expires),
the platform is called outside any transaction, and what it heard is stored once. A
platform's request budget (`Platform.listen_budget`: X's Basic tier allows 60 recent searches
per 15 minutes) is spent across the account's searches, the longest-waiting first; a 429 or
a spent budget waits for the window's end.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from social import platforms
from social.listening import ListenResult, RequestBudget, Search
from social.models import SocialAccount

from . import services
from .models import ListeningAccountState, ListeningQuery

logger = logging.getLogger(__name__)

# Longer than a run can take: a run's calls each time out within 25 s, a few dozen at most.
LEASE = timedelta(minutes=10)
NEVER = "0000"  # sorts before any ISO time: a search never read goes first


def listening_accounts() -> list[SocialAccount]:
    channels = [p.channel for p in platforms.registered() if p.capabilities.listening]
    return list(SocialAccount.objects.filter(active=True, channel__in=channels).order_by("pk"))


def listen_all() -> int:
    """Listen on every account that can; the number of posts stored."""
    if not settings.LISTENING_ENABLED:
        return 0
    queries = list(ListeningQuery.objects.filter(active=True).select_related("service"))
    if not queries:
        return 0
    stored = 0
    for account in listening_accounts():
        try:
            stored += listen_account(account=account, queries=queries)
        except Exception:  # one account's failure never stops the others
            logger.exception("Listening on %s failed", account)
    return stored


def listen_account(*, account: SocialAccount, queries: list[ListeningQuery], now: datetime | None = None) -> int:
    """Hear what is new on one account for `queries`; the number of posts stored (0 when
    another run holds the account, or it waits for a rate limit)."""
    now = now or timezone.now()
    platform = platforms.get(account.channel)
    state = _claim(account, now)
    if state is None:
        return 0
    try:
        remaining = _budget_left(state, platform, now)
        if remaining == 0:
            state.last_error = ""
            return 0
        searches = _searches(queries, state) if platform.capabilities.keyword_search else []
        budget = RequestBudget(remaining if remaining is not None else 10**6)
        result: ListenResult = platform.client.listen(
            account=account, searches=searches, cursors=dict(state.cursors), budget=budget
        )
        stored = services.heard_store(account=account, heard=result.heard, queries={q.search_key: q for q in queries})
        _record(state, result, searches=searches, used=budget.used, stored=stored, now=now)
        return stored
    finally:
        state.leased_until = None
        state.save()


def _claim(account: SocialAccount, now: datetime) -> ListeningAccountState | None:
    """The account's state, leased to this run; None if another run holds it or the platform
    said to wait."""
    ListeningAccountState.objects.get_or_create(account=account)
    claimed = (
        ListeningAccountState.objects.filter(account=account)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .filter(Q(rate_limited_until__isnull=True) | Q(rate_limited_until__lte=now))
        .update(leased_until=now + LEASE)
    )
    if not claimed:
        return None
    return ListeningAccountState.objects.get(account=account)


def _budget_left(state: ListeningAccountState, platform: platforms.Platform, now: datetime) -> int | None:
    """Requests left in the account's window (None: the platform sets no budget)."""
    budget = platform.listen_budget
    if budget is None:
        return None
    if state.window_started_at is None or now - state.window_started_at >= budget.window:
        state.window_started_at = now
        state.window_requests = 0
    return max(0, budget.requests - state.window_requests)


def _searches(queries: list[ListeningQuery], state: ListeningAccountState) -> list[Search]:
    searches = [
        Search(key=query.search_key, terms=tuple(query.term_list), excluded=tuple(query.excluded_list))
        for query in queries
        if query.term_list
    ]
    return sorted(searches, key=lambda search: state.searched_at.get(search.key, NEVER))


def _record(state, result: ListenResult, *, searches: list[Search], used: int, stored: int, now: datetime) -> None:
    current = {search.key for search in searches}

    def kept(key: str) -> bool:
        # A search's cursors ("q1-ab12", or "q1-ab12:tag" for a platform that keeps several
        # per search) go with it when it changes or goes; the platform's own keys stay.
        return not key.startswith("q") or key.split(":", 1)[0] in current

    state.cursors = {key: value for key, value in {**state.cursors, **result.cursors}.items() if kept(key)}
    state.searched_at = {key: value for key, value in state.searched_at.items() if kept(key)}
    for key in result.completed:
        state.searched_at[key] = now.isoformat()
    state.window_requests += used
    state.rate_limited_until = result.rate_limited_until
    state.listened_at = now
    state.last_heard = stored
    state.last_error = result.error[:500]
    if result.skipped:
        logger.warning("Listening on %s: %s items could not be read", state.account, result.skipped)
