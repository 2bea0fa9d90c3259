"""Listening: what a platform hands back when the desk listens to what is said about IT
without being addressed (issue 12). Platform-blind, as `social.events` is for intake.

A platform that can listen declares `Capabilities.listening` in `social.platforms` and its
`platform` module provides `listen` (`ListeningProtocol`). The listening app (`listening/`)
stores what is heard, with its sentiment and service; this module only says what crosses the
boundary: the searches asked for (`Search`), how many requests the platform may still make
(`RequestBudget`), and what came back (`ListenResult`: each item a `ParsedEvent`, the same
shape intake parses).

Platforms differ in what they can hear: X searches recent posts by keyword
(`Capabilities.keyword_search`); the Graph API has no public keyword search, so a Facebook
page hears only the posts that tag it and the posts visitors write on it, whatever the terms.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from .events import ParsedEvent

if TYPE_CHECKING:
    from .models import SocialAccount


@dataclass(frozen=True)
class Search:
    """One listening query as a platform searches for it."""

    key: str  # the desk's name of the search; its cursor is kept under this key
    terms: tuple[str, ...]  # any of these: words, "quoted phrases", #hashtags, the organisation's names
    excluded: tuple[str, ...] = ()  # none of these


@dataclass(frozen=True)
class ListenBudget:
    """How many listening requests an account may make per window (X's Basic tier allows 60
    recent searches per 15 minutes). The desk spends it across the account's searches."""

    requests: int
    window: timedelta


class RequestBudget:
    """The requests this run of `listen` may still make: the platform takes one before each."""

    def __init__(self, remaining: int):
        self.remaining = max(0, remaining)
        self.used = 0

    def take(self) -> bool:
        if self.remaining <= 0:
            return False
        self.remaining -= 1
        self.used += 1
        return True


@dataclass
class Heard:
    search_key: str  # the search that found it; "" when the platform hears without searching
    event: ParsedEvent


@dataclass
class ListenResult:
    heard: list[Heard] = field(default_factory=list)
    # The cursors to keep, by key (a search's key, or a key of the platform's own such as a
    # Facebook edge). A cursor moves only once everything before it is in `heard`.
    cursors: dict[str, str] = field(default_factory=dict)
    # Searches read to the end in this run (the others wait for the next run, first in line).
    completed: list[str] = field(default_factory=list)
    # The platform said stop (a 429, or no requests left in its window) until then.
    rate_limited_until: datetime | None = None
    budget_exhausted: bool = False
    # Why listening stopped short (a refused token, a refused query...), for the managers' page.
    error: str = ""
    # Items that could not be read; the others beside them are kept.
    skipped: int = 0


@runtime_checkable
class ListeningProtocol(Protocol):
    """What a listening platform's `platform` module provides besides `PlatformProtocol`."""

    def listen(
        self, *, account: "SocialAccount", searches: list[Search], cursors: Mapping[str, str], budget: RequestBudget
    ) -> ListenResult:
        """Read what is new since `cursors` for each search (a platform without
        `keyword_search` ignores the terms and hears what is addressed to the account's page),
        taking one request from `budget` before each call. Never raises for a platform's
        refusal or rate limit: what went wrong is in the result, beside what was heard before
        it. Called outside any transaction."""
