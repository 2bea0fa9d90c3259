"""Webhook payloads: snapshots of what changed, taken inside the change's transaction.

Each loader takes the primary keys a service changed (one, or a whole batch) and reads them
in one query, after the change was written, so a payload shows the state the change left.
The shapes are the REST API's (`tickets.representations`); a spike alert's is
`intelligence.spikes.representations`.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch

from intelligence.spikes.models import SpikeAlert
from intelligence.spikes.representations import alert_representation
from tickets.models import Comment, Incident, Problem
from tickets.representations import comment_representation, incident_representation, problem_representation

INCIDENT_RELATED = ("reporter", "assignee", "assignment_group", "service", "category", "problem")
PROBLEM_INCIDENTS = Prefetch("incidents", queryset=Incident.objects.only("id", "number", "problem_id").order_by("id"))


def incident_payloads(pks: Iterable[int]) -> list[dict[str, Any]]:
    incidents = Incident.objects.select_related(*INCIDENT_RELATED).filter(pk__in=list(pks)).order_by("id")
    return [{"incident": incident_representation(incident)} for incident in incidents]


def comment_payloads(pks: Iterable[int]) -> list[dict[str, Any]]:
    comments = (
        Comment.objects.select_related("incident", "problem", "author_user", "author_contact")
        .filter(pk__in=list(pks))
        .order_by("id")
    )
    return [
        {
            "comment": {
                **comment_representation(comment),
                # A receiver needs to know where the comment was written.
                "incident": comment.incident.number if comment.incident_id else None,
                "problem": comment.problem.number if comment.problem_id else None,
            }
        }
        for comment in comments
    ]


def problem_payloads(pks: Iterable[int]) -> list[dict[str, Any]]:
    problems = (
        Problem.objects.select_related("service", "assignee")
        .prefetch_related(
            Prefetch("incidents", queryset=Incident.objects.only("id", "number", "problem_id").order_by("id"))
        )
        .filter(pk__in=list(pks))
        .order_by("id")
    )
    return [{"problem": problem_representation(problem)} for problem in problems]


def alert_payloads(pks: Iterable[int]) -> list[dict[str, Any]]:
    alerts = SpikeAlert.objects.select_related("service").filter(pk__in=list(pks)).order_by("id")
    return [{"alert": alert_representation(alert)} for alert in alerts]
