"""Satisfaction from the surveys on the satisfaction dashboard: the score (good = 4 or 5 ÷
answered, as Zendesk counts it) and the response rate (answered ÷ asked), per period beside the
previous one, read from the survey rollups; and the ratings behind each number
(`/dashboards/ratings/`), read from the surveys with the same criteria as the rollup rows."""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..rollup_models import SURVEY_COUNTERS, SurveyRollup
from ..rollups.buckets import day_start, local_day
from ..surveys.models import GOOD_RATINGS, Survey, SurveyState
from .access import figures_agent_scope
from .charts import Measure
from .figures import Series, Window, _ratio
from .forms import WindowForm
from .paging import PAGE_SIZE, behind_page


@dataclass
class SurveyFigures:
    sent: int = 0
    answered: int = 0
    good: int = 0

    @property
    def satisfaction(self) -> float | None:
        """Good ÷ answered."""
        return _ratio(self.good, self.answered)

    @property
    def response_rate(self) -> float | None:
        return _ratio(self.answered, self.sent)


def _add(figures: list[SurveyFigures]) -> SurveyFigures:
    return SurveyFigures(*(sum(getattr(f, name) for f in figures) for name in SURVEY_COUNTERS))


def survey_series(window: Window) -> Series:
    """One query: the survey sums per period of the window and of the previous one."""
    by_period = {
        row["period"]: SurveyFigures(*(row[name] or 0 for name in SURVEY_COUNTERS))
        for row in window.filtered(SurveyRollup)
        .values("period")
        .order_by("period")
        .annotate(**{name: Sum(name) for name in SURVEY_COUNTERS})
    }
    previous = [by_period.get(start) or SurveyFigures() for start in window.previous_starts]
    current = [by_period.get(start) or SurveyFigures() for start in window.starts]
    return Series(window, current, previous, _add(current), _add(previous))


# The charts and totals these figures add to the satisfaction dashboard (links: "ratings").
RATING_CHARTS = [
    ("satisfaction", "Satisfaction score (rated 4 or 5 ÷ answered)", "line", [
        Measure("good", "Satisfaction score", lambda f: f.satisfaction, "%"),
    ]),
    ("response_rate", "Survey response rate (answered ÷ asked)", "line", [
        Measure("answered", "Response rate", lambda f: f.response_rate, "%"),
    ]),
]  # fmt: skip
RATING_TOTALS = [
    Measure("good", "Satisfaction score", lambda f: f.satisfaction, "%"),
    Measure("answered", "Survey response rate", lambda f: f.response_rate, "%"),
    Measure("sent", "Surveys asked", lambda f: f.sent),
]


# --- the ratings behind a figure ---------------------------------------------------------

SURVEY_DIMENSIONS = {
    "service": "incident__service_id",
    "channel": "incident__channel",
    "group": "incident__assignment_group_id",
    "agent": "incident__assignee_id",
}


@dataclass(frozen=True)
class RatingCriteria:
    since: date
    until: date  # inclusive, the desk's days the surveys were sent
    filters: dict
    figure: str = "sent"  # sent: every survey asked; answered: those rated; good: rated 4 or 5


def surveys_behind(*, criteria: RatingCriteria, before: int | None = None, size: int = PAGE_SIZE) -> list[Survey]:
    """One page of the surveys a figure counts, newest first, with their incident (one query)."""
    surveys: QuerySet = Survey.objects.filter(
        state=SurveyState.SENT,
        sent_at__gte=day_start(criteria.since),
        sent_at__lt=day_start(criteria.until + timedelta(days=1)),
    )
    for name, value in criteria.filters.items():
        path = SURVEY_DIMENSIONS[name]
        if value in (0, "") and name != "channel":
            surveys = surveys.filter(**{f"{path}__isnull": True})
        else:
            surveys = surveys.filter(**{path: value})
    if criteria.figure == "answered":
        surveys = surveys.filter(rating__isnull=False)
    elif criteria.figure == "good":
        surveys = surveys.filter(rating__in=GOOD_RATINGS)
    if before:
        surveys = surveys.filter(pk__lt=before)
    return list(
        surveys.select_related("incident").only(
            "id", "medium", "rating", "comment", "comment_label", "sent_at", "answered_at",
            "incident__number", "incident__title", "incident__channel",
        ).order_by("-pk")[:size]
    )  # fmt: skip


class RatingFilterForm(WindowForm):
    since = forms.DateField(required=False)
    figure = forms.ChoiceField(choices=[("sent", "sent"), ("answered", "answered"), ("good", "good")], required=False)

    def criteria(self) -> RatingCriteria:
        window = self.window()
        until = self.value("until") or local_day(timezone.now())
        since = self.value("since") or until - timedelta(days=30)
        return RatingCriteria(since=since, until=until, filters=window.filters, figure=self.value("figure", "sent"))


FIGURE_TITLES = {"sent": "Surveys asked", "answered": "Surveys answered", "good": "Surveys rated 4 or 5"}


@login_required
@require_GET
def ratings(request: HttpRequest) -> HttpResponse:
    form = RatingFilterForm(request.GET, agent_scope=figures_agent_scope(request.user))
    criteria = form.criteria()
    page = behind_page(request, partial(surveys_behind, criteria=criteria))
    return render(
        request,
        "dashboards/ratings.html",
        {
            "criteria": criteria,
            "title": FIGURE_TITLES[criteria.figure],
            "surveys": page.rows,
            "next_before": page.next_before,
            "query": page.query,
        },
    )
