"""The pages behind a figure (messages, ratings...) go newest first, 50 at a time, by the
last row's id (`?before=`): a page costs the same however deep, and the filters stay in the
links."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

PAGE_SIZE = 50


@dataclass(frozen=True)
class BehindPage:
    rows: Sequence[Any]
    next_before: int | None  # the `before` of the next page; None on the last one
    query: str  # the request's other parameters, for the next page's link


def behind_page(request: HttpRequest, fetch: Callable[..., Sequence[Any]]) -> BehindPage:
    """`fetch(before=..., size=...)` returns rows newest first, below `before` (an id) when given.
    One row more than a page is asked for, to know whether another page follows."""
    try:
        before = int(request.GET.get("before", ""))
    except ValueError:
        before = None  # no cursor, or one that was not ours: the first page
    rows = fetch(before=before, size=PAGE_SIZE + 1)
    query = request.GET.copy()
    query.pop("before", None)
    return BehindPage(
        rows=rows[:PAGE_SIZE],
        next_before=rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None,
        query=query.urlencode(),
    )
