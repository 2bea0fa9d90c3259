"""A manager in a real Chromium: the satisfaction score's chart point leads to the ratings
behind it; the survey settings are changed from the app's Settings."""

import pytest

from feedback.rollups.refresh import rollups_rebuild
from feedback.surveys.models import SurveySettings

from ..feedback.conftest import _desk_in_paris, at, desk  # noqa: F401  (November 2026, in Paris)
from ..feedback.dashboards.test_ratings import asked
from .conftest import log_in
from .test_dashboards import NOVEMBER, click_point
from .test_social import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_manager_follows_the_satisfaction_score_to_its_ratings_and_sets_the_surveys(page, manager, desk):  # noqa: F811
    for n, rating in enumerate([5, 4, 2, None, 1]):
        asked(desk["incidents"][n], sent_at=at(3 + 4 * n, 10), rating=rating)
    rollups_rebuild()
    log_in(page, "manager")
    page.wait_for_url("**/dashboards/satisfaction/")
    page.goto(f"/dashboards/satisfaction/?{NOVEMBER}")
    page.locator("#chart-satisfaction canvas").wait_for()
    assert page.locator("[data-figure='Satisfaction score']").inner_text() == "50.0 %"
    shot(page, "dashboards_satisfaction_score")
    click_point(page, "satisfaction", 0, 0)  # the week of 2 November: rated 5 and 4
    page.wait_for_url("**/dashboards/ratings/**")
    rows = page.locator("#figure-ratings tbody tr")
    assert sorted(rows.all_inner_texts()) == sorted(t for t in rows.all_inner_texts() if "/ 5" in t)
    assert rows.count() == 2
    shot(page, "dashboards_ratings_behind_a_point")

    page.goto("/dashboards/settings/")
    row = page.locator("tr", has=page.get_by_role("rowheader", name="Portal"))
    row.get_by_label("Portal: percent of incidents asked").fill("40")
    row.get_by_role("button", name="Save Portal").click()
    page.get_by_text("Survey settings saved for Portal.").wait_for()
    shot(page, "dashboards_settings_surveys")
    assert SurveySettings.objects.get(medium="portal").sample_percent == 40
