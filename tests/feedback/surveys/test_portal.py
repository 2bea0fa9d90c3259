"""The portal's 1–5 choice on a resolved incident's page, stored through the survey answer
service like the social answers."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.surveys.models import Survey, SurveyAnswer
from feedback.surveys.services import surveys_schedule, surveys_send_due
from tickets import services as tickets
from tickets.models import Channel, IncidentStatus

from ...factories import IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(customer, agent):
    reporter = tickets.contact_for_user(user=customer)
    reporter.email = ""  # the portal only: no e-mail survey
    reporter.save(update_fields=["email"])
    incident = IncidentFactory(reporter=reporter, channel=Channel.WEB)
    tickets.incident_transition(incident=incident, to_status=IncidentStatus.RESOLVED, actor=agent, resolution="Fixed")
    incident.__class__.objects.filter(pk=incident.pk).update(resolved_at=timezone.now() - timedelta(hours=2))
    surveys_schedule()
    surveys_send_due()
    return Survey.objects.get(incident=incident)


def test_the_reporter_chooses_a_rating_on_the_incident_page_and_may_change_it(customer_client, asked):
    page_url = reverse("portal_incident", args=[asked.incident.number])
    page = customer_client.get(page_url)
    assert b"How did we do on" in page.content and b"Send my rating" in page.content
    answer_url = reverse("surveys:portal_answer", args=[asked.incident.number])
    response = customer_client.post(answer_url, {"rating": "5", "comment": "Quick, thanks"}, follow=True)
    assert b"you rated" in response.content and b"5 out of 5" in response.content
    asked.refresh_from_db()
    assert (asked.rating, asked.comment, asked.good) == (5, "Quick, thanks", True)
    customer_client.post(answer_url, {"rating": "3"})
    asked.refresh_from_db()
    assert asked.rating == 3
    answers = SurveyAnswer.objects.order_by("id")
    assert [(a.rating, a.replaced_rating, a.by_user_id) for a in answers] == [
        (5, None, asked.incident.reporter.user_id),
        (3, 5, asked.incident.reporter.user_id),
    ]
    assert b"Change my rating" in customer_client.get(page_url).content


def test_a_rating_with_words_saying_the_problem_is_back_is_kept_and_reopens(customer_client, asked):
    url = reverse("surveys:portal_answer", args=[asked.incident.number])
    response = customer_client.post(url, {"rating": "1", "comment": "not fixed, still broken"}, follow=True)
    assert b"we reopened it" in response.content
    asked.refresh_from_db()
    asked.incident.refresh_from_db()
    assert asked.rating == 1 and asked.incident.status == IncidentStatus.IN_PROGRESS


def test_a_rating_out_of_range_or_after_the_window_is_refused(customer_client, asked):
    url = reverse("surveys:portal_answer", args=[asked.incident.number])
    response = customer_client.post(url, {"rating": "6"}, follow=True)
    assert b"Choose a number from 1" in response.content
    Survey.objects.filter(pk=asked.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = customer_client.post(url, {"rating": "4"}, follow=True)
    assert b"takes no answers now" in response.content
    assert (
        b"Send my rating" not in customer_client.get(reverse("portal_incident", args=[asked.incident.number])).content
    )
    assert not SurveyAnswer.objects.exists()


def test_nobody_else_answers_it(client, asked, other_customer, agent):
    url = reverse("surveys:portal_answer", args=[asked.incident.number])
    client.force_login(other_customer)
    assert client.post(url, {"rating": "1"}).status_code == 404  # not their incident
    client.force_login(agent)
    assert client.post(url, {"rating": "1"}).status_code == 403  # the portal is for customers
    client.logout()
    assert client.post(url, {"rating": "1"}).status_code == 302  # to the login page
    assert not SurveyAnswer.objects.exists()


# The portal's incident page (its attachments included), and one for the survey card (the open survey), rated or not.
PORTAL_PAGE_QUERIES = 10


def test_the_page_reads_the_survey_in_one_query(customer_client, asked, django_assert_num_queries):
    url = reverse("portal_incident", args=[asked.incident.number])
    with django_assert_num_queries(PORTAL_PAGE_QUERIES):
        assert b"Send my rating" in customer_client.get(url).content
    customer_client.post(reverse("surveys:portal_answer", args=[asked.incident.number]), {"rating": "4"})
    with django_assert_num_queries(PORTAL_PAGE_QUERIES):
        assert b"Change my rating" in customer_client.get(url).content
    other = IncidentFactory(reporter=asked.incident.reporter, channel=Channel.WEB)
    with django_assert_num_queries(PORTAL_PAGE_QUERIES):
        customer_client.get(reverse("portal_incident", args=[other.number]))
