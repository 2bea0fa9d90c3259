"""`manage.py demo_dashboards`: weeks of history, so the dashboards mean something at first sight."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Sum

from feedback.models import IncidentRollup, MessageRollup, SentimentScore
from feedback.rollup_models import ALL_AGENTS, DeflectionRollup, SurveyRollup
from tickets.models import Deflection, Incident

pytestmark = pytest.mark.django_db


def test_eight_weeks_of_history_rolled_up_once(capsys):
    call_command("demo_data")
    call_command("demo_dashboards")
    incidents, scores = Incident.objects.count(), SentimentScore.objects.count()
    call_command("demo_dashboards")
    assert (Incident.objects.count(), SentimentScore.objects.count()) == (incidents, scores)
    assert "already loaded" in capsys.readouterr().out
    weeks = (
        IncidentRollup.objects.filter(grain="week", agent_id=ALL_AGENTS).values("period").annotate(opened=Sum("opened"))
    )
    assert len(weeks) >= 8 and all(week["opened"] for week in weeks)
    # Surveys asked and answered: a satisfaction score and a response rate from the first sight.
    surveys = SurveyRollup.objects.filter(grain="month", agent_id=ALL_AGENTS).aggregate(
        sent=Sum("sent"), answered=Sum("answered"), good=Sum("good")
    )
    assert surveys["sent"] > 100 and 0.3 < surveys["answered"] / surveys["sent"] < 0.7
    assert 0.5 < surveys["good"] / surveys["answered"] < 0.9
    assert IncidentRollup.objects.filter(grain="month", agent_id=ALL_AGENTS).aggregate(n=Sum("resolved"))["n"] > 100
    # The VPN's bad week is there to be found: more negative than the weeks around it.
    shares = [
        (row["negative"] / row["messages"])
        for row in MessageRollup.objects.filter(grain="week", agent_id=ALL_AGENTS)
        .values("period")
        .order_by("period")
        .annotate(negative=Sum("negative"), messages=Sum("messages"))
        if row["messages"]
    ]
    assert len(shares) >= 8 and max(shares) > 1.5 * min(shares)


def test_a_few_people_answered_by_self_service_make_a_deflection_rate(client):
    call_command("demo_data")
    call_command("demo_data")  # again: the same deflections
    call_command("demo_dashboards")
    assert Deflection.objects.count() == 4
    assert {d.user.username for d in Deflection.objects.select_related("user")} == {"alice", "bob"}
    assert DeflectionRollup.objects.filter(grain="month", agent_id=ALL_AGENTS).aggregate(n=Sum("deflections"))["n"] == 4
    client.force_login(User.objects.get(username="manager"))
    totals = {t["label"]: t["value"] for t in client.get("/dashboards/service/").context["totals"]}
    assert totals["Deflections"] == "4" and totals["Deflection rate"].endswith(" %")
