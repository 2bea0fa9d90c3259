"""A manager in a real Chromium: lands on the dashboards, walks them, clicks a chart's point
through to the incidents and the messages behind it, and exports a CSV."""

import csv
import io
from pathlib import Path

import pytest

from feedback.rollups.refresh import rollups_rebuild

from ..feedback.conftest import _desk_in_paris, desk  # noqa: F401  (November 2026, in Paris)
from .conftest import log_in
from .test_social import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
NOVEMBER = "grain=week&until=2026-11-29&periods=4"


def click_point(page, chart_key: str, dataset: int, index: int) -> None:
    """Click the point (or bar) `index` of a dataset where Chart.js drew it."""
    canvas = page.locator(f"#chart-{chart_key} canvas")
    canvas.scroll_into_view_if_needed()
    x, y = canvas.evaluate(
        "(canvas, [d, i]) => { const p = canvas.chart.getDatasetMeta(d).data[i]; return [p.x, p.y]; }", [dataset, index]
    )
    canvas.click(position={"x": x, "y": y})


def test_a_manager_walks_the_dashboards_to_the_incidents_and_messages_behind_a_point(page, manager, desk):  # noqa: F811
    rollups_rebuild()
    log_in(page, "manager")
    page.wait_for_url("**/dashboards/satisfaction/")
    page.get_by_role("link", name="Dashboards").wait_for()

    page.goto(f"/dashboards/satisfaction/?{NOVEMBER}")
    page.get_by_role("heading", name="Satisfaction", exact=True).wait_for()
    page.locator("#chart-negative canvas").wait_for()
    shot(page, "dashboards_satisfaction")
    # The week of 2 November: six messages, three of them negative (-0.8, -0.05, -0.3).
    click_point(page, "negative", 0, 0)
    page.wait_for_url("**/dashboards/messages/**")
    rows = page.locator("#figure-messages tbody tr")
    assert rows.count() == 3
    assert all("(negative)" in text for text in rows.all_inner_texts())
    shot(page, "dashboards_negative_messages_of_a_week")

    page.goto(f"/dashboards/service/?{NOVEMBER}")
    page.get_by_role("heading", name="Service", exact=True).wait_for()
    shot(page, "dashboards_service")
    # The week of 9 November's opened incidents: the bar leads to the queue, filtered alike.
    opened_in_week = page.locator("#chart-volume tbody tr").nth(1).locator("td").first.text_content().strip()
    click_point(page, "volume", 0, 1)
    page.wait_for_url("**/incidents/**")
    page.locator("#figure-filters").wait_for()
    assert "2026-11-09..2026-11-15" in page.locator("#figure-filters").inner_text()
    assert page.locator("#queue-rows tr").count() == int(opened_in_week)
    shot(page, "dashboards_point_to_queue")

    page.goto(f"/dashboards/service/?{NOVEMBER}&by=agent")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert [row["period_start"] for row in rows] == ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]
    assert rows[1]["Incoming and resolved incidents: Opened"] == opened_in_week
    assert page.console_errors == []
