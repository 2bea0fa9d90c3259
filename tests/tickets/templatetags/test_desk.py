"""Badges say each thing once (tickets.templatetags.desk and the pages that use it)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tickets import services
from tickets.templatetags.desk import queue_row

from ...factories import IncidentFactory, ProblemFactory

pytestmark = pytest.mark.django_db


def badges(html: str) -> list[str]:
    return re.findall(r'<span class="badge[^"]*">([^<]+)</span>', html)


def test_a_row_that_arrived_while_the_queue_was_open_is_not_new_twice(contact):
    incident = IncidentFactory(reporter=contact)
    row = queue_row(incident, timezone.now(), timezone.now() - timedelta(minutes=1), last_id=incident.pk - 1)

    assert badges(row).count("New") == 1  # the status
    assert "Arrived" in badges(row)


def test_a_known_error_says_so_once_on_its_page(agent_client, agent):
    problem = ProblemFactory(actor=agent)
    services.problem_transition(problem=problem, to_status="known_error", workaround="Restart the spooler", actor=agent)
    problem.refresh_from_db()
    assert problem.is_known_error

    page = agent_client.get(reverse("problem_detail", args=[problem.number])).content.decode()

    assert badges(page).count("Known error") == 1
