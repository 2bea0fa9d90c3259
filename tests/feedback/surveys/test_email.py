"""Surveys by e-mail: a row of the notifications' outbox with five signed one-click rating
links, expiring with the answer window; the page a link opens confirms and takes a comment."""

import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from feedback.surveys.links import rating_token
from feedback.surveys.models import Survey, SurveyAnswer, SurveySettings, SurveyState
from feedback.surveys.services import surveys_schedule, surveys_send_due
from notifications.models import Notification, NotificationKind, NotificationPreference, NotificationState
from tickets import services as tickets
from tickets.models import Channel, IncidentStatus

from ...factories import AgentFactory, ContactFactory, CustomerFactory, IncidentFactory

pytestmark = pytest.mark.django_db
LINK = re.compile(r"^  (\d)(?: \((?:bad|great)\))?: (http\S+/surveys/rate/\S+/)$", re.MULTILINE)


def resolved(reporter, *, ago=timedelta(hours=2)):
    incident = IncidentFactory(reporter=reporter, channel=Channel.WEB)
    tickets.incident_transition(
        incident=incident, to_status=IncidentStatus.RESOLVED, actor=AgentFactory(), resolution="Fixed"
    )
    incident.__class__.objects.filter(pk=incident.pk).update(resolved_at=timezone.now() - ago)
    incident.refresh_from_db()
    return incident


@pytest.fixture
def emailed(django_capture_on_commit_callbacks):
    """An incident resolved two hours ago whose reporter (no account) was mailed the survey."""
    SurveySettings.objects.create(medium="portal", enabled=False)
    incident = resolved(ContactFactory(name="Jess Doe", email="jess@example.org"))
    surveys_schedule()
    with django_capture_on_commit_callbacks(execute=True):
        assert surveys_send_due().sent == 1
    return Survey.objects.get(incident=incident, medium="email")


def links_of(message) -> dict[int, str]:
    return {int(rating): url for rating, url in LINK.findall(message.body)}


def test_the_survey_is_mailed_through_the_outbox_with_five_rating_links(emailed):
    notification = Notification.objects.get(kind=NotificationKind.SURVEY)
    assert (notification.to, notification.recipient, notification.state) == (
        "jess@example.org",
        None,
        NotificationState.SENT,
    )
    assert notification.cause == f"survey:{emailed.pk}"
    (message,) = mail.outbox
    assert message.to == ["jess@example.org"] and message.subject == f"{emailed.incident.number}: how did we do?"
    assert emailed.question in message.body
    links = links_of(message)
    assert sorted(links) == [1, 2, 3, 4, 5]
    assert len(set(links.values())) == 5
    assert emailed.expires_at == emailed.sent_at + timedelta(hours=168)


def test_a_link_opens_a_page_that_confirms_and_records_nothing_until_sent(client, emailed):
    url = links_of(mail.outbox[0])[4].split("127.0.0.1:8000", 1)[1]
    page = client.get(url)
    assert page.status_code == 200
    assert re.search(rb'<input[^>]*value="4"[^>]*checked', page.content)
    assert not re.search(rb'<input[^>]*value="[1235]"[^>]*checked', page.content)
    assert not SurveyAnswer.objects.exists()  # a mail scanner opening the link rates nothing
    done = client.post(url, {"rating": "4", "comment": "quick and kind"})
    assert done.status_code == 200 and b"4 out of 5" in done.content
    emailed.refresh_from_db()
    assert (emailed.rating, emailed.comment, emailed.comment_label) == (4, "quick and kind", "positive")
    # Another link of the same mail replaces the rating, with the audit line.
    client.post(links_of(mail.outbox[0])[2].split("127.0.0.1:8000", 1)[1], {"rating": "2"})
    emailed.refresh_from_db()
    assert emailed.rating == 2
    assert list(SurveyAnswer.objects.values_list("rating", "replaced_rating")) == [(4, None), (2, 4)]


def test_a_changed_link_and_an_expired_link_are_refused(client, emailed):
    token = rating_token(survey=emailed, rating=5)
    forged = token.replace(token.split(":", 1)[0], token.split(":", 1)[0][:-1] + "x", 1)
    for bad in (forged, "nonsense", rating_token(survey=emailed, rating=5)[:-2]):
        response = client.post(reverse("surveys:rate", args=[bad]), {"rating": "5"})
        assert response.status_code == 400 and b"not valid" in response.content
    Survey.objects.filter(pk=emailed.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(reverse("surveys:rate", args=[token]), {"rating": "5"})
    assert response.status_code == 400 and b"expired" in response.content
    assert not SurveyAnswer.objects.exists()


def test_a_link_older_than_the_answer_window_is_refused_by_its_signature(client, emailed):
    # A link signed 200 hours ago outlives the 168-hour window, whatever the survey row says.
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 200 * 3600):
        old = rating_token(survey=emailed, rating=5)
    response = client.get(reverse("surveys:rate", args=[old]))
    assert response.status_code == 400 and b"expired" in response.content
    assert client.get(reverse("surveys:rate", args=[rating_token(survey=emailed, rating=5)])).status_code == 200


def test_a_comment_saying_the_problem_is_back_also_reopens(client, emailed):
    client.post(reverse("surveys:rate", args=[rating_token(survey=emailed, rating=1)]), {
        "rating": "1", "comment": "it's broken again",
    })  # fmt: skip
    emailed.refresh_from_db()
    emailed.incident.refresh_from_db()
    assert emailed.rating == 1 and emailed.incident.status == IncidentStatus.IN_PROGRESS
    assert SurveyAnswer.objects.get().reopened


def test_a_reporter_who_turned_surveys_off_is_not_mailed(django_capture_on_commit_callbacks):
    customer = CustomerFactory(email="alice@example.org")
    NotificationPreference.objects.create(user=customer, kind=NotificationKind.SURVEY, email=False)
    incident = resolved(tickets.contact_for_user(user=customer))
    surveys_schedule()
    with django_capture_on_commit_callbacks(execute=True):
        surveys_send_due()
    survey = Survey.objects.get(incident=incident, medium="email")
    assert (survey.state, survey.skip_reason) == (SurveyState.SKIPPED, "The reporter turned satisfaction surveys off.")
    assert not mail.outbox
    assert Survey.objects.get(incident=incident, medium="portal").state == SurveyState.SENT
