"""The links behind the dashboards' figures are written out by hand (not through `urlencode`,
for speed): they must read back as exactly the parameters the queue and the lists expect."""

from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest

from feedback.dashboards.links import deflections_url, incidents_url, messages_url, ratings_url

WEEK = {"start": date(2026, 11, 2), "end": date(2026, 11, 9)}


def params(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query, keep_blank_values=True).items()}


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        ("opened", {"status": "", "opened": "2026-11-02..2026-11-08"}),
        ("response_time", {"status": "", "responded": "2026-11-02..2026-11-08"}),
        ("not_incidents", {"status": "not_incident", "opened": "2026-11-02..2026-11-08"}),
        ("backlog", {"status": "", "open_on": "2026-11-08"}),
        ("resolution_breached", {"status": "", "resolved": "2026-11-02..2026-11-08", "sla": "resolution_breached"}),
    ],
)
def test_it_leads_to_the_queue_with_the_figures_filters(figure, expected):
    url = incidents_url(figure=figure, **WEEK, filters={"service": 0, "channel": "twitter", "agent": 7})
    assert urlparse(url).path == "/incidents/"
    assert params(url) == expected | {"no_service": "1", "channel": "twitter", "agent": "7"}


def test_it_quotes_the_filters_values():
    url = messages_url(figure="negative", **WEEK, filters={"channel": "a&b=c d"})
    assert params(url) == {"since": "2026-11-02", "until": "2026-11-08", "negative": "1", "channel": "a&b=c d"}


def test_ratings_and_deflections_keep_their_figure_and_service():
    assert params(ratings_url(figure="good", **WEEK, filters={"group": 0})) == {
        "since": "2026-11-02",
        "until": "2026-11-08",
        "figure": "good",
        "group": "none",
    }
    assert params(deflections_url(figure="deflections", **WEEK, filters={"service": 3, "agent": 7})) == {
        "since": "2026-11-02",
        "until": "2026-11-08",
        "service": "3",
    }
    portal = deflections_url(figure="portal_opened", **WEEK, filters={})
    assert params(portal) == {"status": "", "opened": "2026-11-02..2026-11-08", "channel": "web"}
