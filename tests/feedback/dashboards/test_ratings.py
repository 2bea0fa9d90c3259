"""The satisfaction score (good = 4 or 5 ÷ answered) and the survey response rate on the
satisfaction dashboard, beside the previous period, each number leading to the ratings behind it;
rolled up as surveys are sent and answered."""

from datetime import UTC, datetime, timedelta

import pytest
from django.http import HttpRequest

from feedback.dashboards.figures import Window
from feedback.dashboards.ratings import survey_series
from feedback.rollups.refresh import rollups_rebuild, rollups_refresh
from feedback.surveys.models import Survey, SurveyState
from feedback.surveys.services import survey_answer_record

from ...queries import assert_queries, get_queries
from ..conftest import at

pytestmark = pytest.mark.django_db
NOVEMBER_WEEKS = "grain=week&until=2026-11-29&periods=4"


def asked(incident, *, sent_at: datetime, rating: int | None, medium: str = "portal") -> Survey:
    return Survey.objects.create(
        incident=incident,
        medium=medium,
        state=SurveyState.SENT,
        send_after=sent_at,
        sent_at=sent_at,
        expires_at=sent_at + timedelta(days=7),
        rating=rating,
        answered_at=sent_at + timedelta(hours=1) if rating else None,
        created_at=sent_at,
    )


@pytest.fixture
def rated(desk):
    """Five surveys in November (rated 5, 4, 2, 1, and one unanswered) and one in October (the
    previous period), and one skipped, which counts nowhere."""
    incidents = desk["incidents"]
    for n, rating in enumerate([5, 4, 2, None, 1]):
        asked(incidents[n], sent_at=at(3 + 4 * n, 10), rating=rating)
    asked(incidents[5], sent_at=datetime(2026, 10, 20, 10, tzinfo=UTC), rating=5)
    Survey.objects.create(
        incident=incidents[6], medium="email", state=SurveyState.SKIPPED, send_after=at(5, 1), created_at=at(5, 1)
    )
    rollups_rebuild()
    return desk


def login(client, user):
    client.login(username=user.username, password="correct horse battery staple", request=HttpRequest())
    return client


def test_the_score_and_the_response_rate_beside_the_previous_period(client, manager, rated):
    login(client, manager)
    page = client.get(f"/dashboards/satisfaction/?{NOVEMBER_WEEKS}")
    totals = {t["label"]: t for t in page.context["totals"]}
    assert totals["Satisfaction score"]["value"] == "50.0 %"  # 5 and 4 of four answered
    assert totals["Survey response rate"]["value"] == "80.0 %"  # four of five asked
    assert totals["Surveys asked"]["value"] == "5"
    assert totals["Satisfaction score"]["previous"] == "100.0 %"  # October's one, rated 5
    assert totals["Satisfaction score"]["change"] == "-50.0 pts"
    charts = {c.key: c for c in page.context["charts"]}
    assert [row["cells"][0]["text"] for row in charts["satisfaction"].rows] == ["100.0 %", "0.0 %", "0.0 %", "–"]
    assert "Satisfaction score (rated 4 or 5 ÷ answered)" in page.content.decode()


def test_each_number_leads_to_the_ratings_behind_it(client, manager, rated):
    login(client, manager)
    totals = {t["label"]: t for t in client.get(f"/dashboards/satisfaction/?{NOVEMBER_WEEKS}").context["totals"]}
    good = client.get(totals["Satisfaction score"]["link"])
    assert good.status_code == 200
    assert sorted(s.rating for s in good.context["surveys"]) == [4, 5]
    answered = client.get(totals["Survey response rate"]["link"])
    assert sorted(s.rating for s in answered.context["surveys"]) == [1, 2, 4, 5]
    every = client.get(totals["Surveys asked"]["link"])
    assert len(every.context["surveys"]) == 5
    previous = client.get(totals["Satisfaction score"]["previous_link"])
    assert [s.rating for s in previous.context["surveys"]] == [5]
    # A chart point leads to its period's ratings only.
    chart = {c.key: c for c in client.get(f"/dashboards/satisfaction/?{NOVEMBER_WEEKS}").context["charts"]}
    first_week = client.get(chart["satisfaction"].rows[0]["cells"][0]["link"])
    assert sorted(s.rating for s in first_week.context["surveys"]) == [4, 5]


def test_the_rollups_follow_answers_incrementally_and_equal_a_direct_count(rated):
    survey = Survey.objects.get(state=SurveyState.SENT, rating__isnull=True)
    Survey.objects.filter(pk=survey.pk).update(expires_at=datetime(2100, 1, 1, tzinfo=UTC))
    survey.refresh_from_db()
    survey_answer_record(survey=survey, rating=5)
    window = Window.ending(day=at(29, 12).date(), grain="week", periods=4)
    before = survey_series(window).total
    assert (before.sent, before.answered, before.good) == (5, 4, 2)  # not rolled up yet
    rollups_refresh()
    after = survey_series(window).total
    assert (after.sent, after.answered, after.good) == (5, 5, 3)
    rated_in_november = Survey.objects.filter(state=SurveyState.SENT, sent_at__month=11)
    assert after.answered == rated_in_november.filter(rating__isnull=False).count()
    assert after.good == rated_in_november.filter(rating__gte=4).count()
    rollups_refresh()  # again (within the overlap it recounts the same day): the same figures
    again = survey_series(window).total
    assert (again.sent, again.answered, again.good) == (5, 5, 3)


def test_agents_see_the_ratings_of_their_own_incidents_only(client, rated):
    ana = rated["ana"]
    login(client, ana)
    page = client.get(f"/dashboards/satisfaction/?{NOVEMBER_WEEKS}")
    totals = {t["label"]: t for t in page.context["totals"]}
    mine = [i for i in rated["incidents"][:5] if i.assignee_id == ana.pk]
    assert totals["Surveys asked"]["value"] == str(len(mine))
    listed = client.get(totals["Surveys asked"]["link"] + f"&agent={rated['ben'].pk}")
    assert {s.incident.assignee_id for s in listed.context["surveys"]} == {ana.pk}


def test_the_ratings_page_is_refused_to_customers_and_reads_in_a_fixed_number_of_queries(
    client, manager, customer, rated
):
    login(client, customer)
    assert client.get("/dashboards/ratings/").status_code == 403
    login(client, manager)
    url = "/dashboards/ratings/?since=2026-11-01&until=2026-11-30"
    few = get_queries(client, url)
    for n in range(6, 12):
        asked(rated["incidents"][n], sent_at=at(20, n), rating=3, medium="twitter")
    assert get_queries(client, url) == few


def test_the_ratings_behind_a_figure_are_one_query():
    from feedback.dashboards.ratings import RatingCriteria, surveys_behind

    with assert_queries(1):
        surveys_behind(criteria=RatingCriteria(since=at(1, 0).date(), until=at(30, 0).date(), filters={"agent": 1}))
