"""The messages behind a sentiment figure: the scored messages of a range of the desk's days,
with the same filters as the rollup rows the figure summed."""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..models import SentimentScore
from ..negativity import is_negative, negative_q
from ..rollups.buckets import day_start, local_day
from .access import figures_agent_scope
from .forms import WindowForm
from .paging import PAGE_SIZE, behind_page

# Rollup dimension → the score's path to it (through its incident; none without one).
SCORE_DIMENSIONS = {
    "service": "incident__service_id",
    "group": "incident__assignment_group_id",
    "agent": "incident__assignee_id",
}


@dataclass(frozen=True)
class MessageCriteria:
    since: date
    until: date  # inclusive
    filters: dict
    negative: bool = False


def scored_messages(
    *, criteria: MessageCriteria, before: int | None = None, size: int = PAGE_SIZE
) -> list[SentimentScore]:
    """One page of the scores `criteria` selects, newest first, with message and incident."""
    scores: QuerySet = SentimentScore.objects.filter(
        created_at__gte=day_start(criteria.since), created_at__lt=day_start(criteria.until + timedelta(days=1))
    )
    for name, value in criteria.filters.items():
        if name == "channel":
            scores = scores.filter(channel=value)
        elif value == 0:
            scores = scores.filter(Q(incident__isnull=True) | Q(**{f"{SCORE_DIMENSIONS[name]}__isnull": True}))
        else:
            scores = scores.filter(**{SCORE_DIMENSIONS[name]: value})
    if criteria.negative:
        scores = scores.filter(negative_q())
    if before:
        # Keyset: the rows after the last one shown, in (created_at, id) order.
        anchor = Subquery(SentimentScore.objects.filter(pk=before).values("created_at")[:1])
        scores = scores.filter(Q(created_at__lt=anchor) | Q(created_at=anchor, pk__lt=before))
    return list(
        scores.select_related("message", "comment", "incident")
        .defer("message__raw")
        .order_by("-created_at", "-pk")[:size]
    )


class MessageFilterForm(WindowForm):
    since = forms.DateField(required=False)
    negative = forms.BooleanField(required=False)

    def criteria(self) -> MessageCriteria:
        window = self.window()
        until = self.value("until") or local_day(timezone.now())
        since = self.value("since") or until - timedelta(days=30)
        return MessageCriteria(since=since, until=until, filters=window.filters, negative=bool(self.value("negative")))


@login_required
@require_GET
def messages(request: HttpRequest) -> HttpResponse:
    form = MessageFilterForm(request.GET, agent_scope=figures_agent_scope(request.user))
    criteria = form.criteria()
    page = behind_page(request, partial(scored_messages, criteria=criteria))
    return render(
        request,
        "dashboards/messages.html",
        {
            "criteria": criteria,
            "scores": [(score, is_negative(score.label)) for score in page.rows],
            "next_before": page.next_before,
            "query": page.query,
        },
    )
