"""Exact query counts (Zulip's `assert_database_query_count` habit): the guard against N+1.

`with assert_queries(5): …` fails when the block runs any other number of queries and prints
every query it ran, numbered, so the one that was added (or the loop that repeats) is seen at
once. `get_queries(client, url)` counts the queries of one page or endpoint for a test that
compares counts itself (say, the same for 3 rows and for 30).
"""

import contextlib
from collections.abc import Iterator

from django.db import connection
from django.test.utils import CaptureQueriesContext


def listing(captured: CaptureQueriesContext) -> str:
    """The captured queries, numbered, one a line."""
    return "\n".join(f"{n}. {query['sql']}" for n, query in enumerate(captured.captured_queries, start=1))


@contextlib.contextmanager
def assert_queries(expected: int) -> Iterator[CaptureQueriesContext]:
    """Fail unless the block runs exactly `expected` queries; the failure lists them all."""
    with CaptureQueriesContext(connection) as captured:
        yield captured
    if len(captured) != expected:
        raise AssertionError(f"{len(captured)} queries ran, {expected} expected:\n{listing(captured)}")


def get_queries(client, url: str, *, status: int = 200, **extra) -> int:
    """The number of queries of one GET, which must answer `status`."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code == status, f"{response.status_code} from {url}; its queries:\n{listing(captured)}"
    return len(captured)
