"""Satisfaction surveys in a real Chromium: the portal's choice on a phone, and the page an
e-mail's rating link opens."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from feedback.surveys.models import Survey, SurveySettings
from feedback.surveys.services import surveys_schedule, surveys_send_due
from tickets import services
from tickets.models import Channel, Incident, IncidentStatus

from ..factories import ContactFactory, IncidentFactory
from .conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844}


def resolve(incident, agent):
    services.incident_transition(incident=incident, to_status=IncidentStatus.RESOLVED, actor=agent, resolution="Done")
    Incident.objects.filter(pk=incident.pk).update(resolved_at=timezone.now() - timedelta(hours=2))


def test_a_customer_rates_a_resolved_incident_on_the_portal(page, customer, agent):
    reporter = services.contact_for_user(user=customer)
    incident = IncidentFactory(reporter=reporter, channel=Channel.WEB, title="Printer jams on floor 2")
    SurveySettings.objects.create(medium="email", enabled=False)
    resolve(incident, agent)
    surveys_schedule()
    surveys_send_due()
    page.set_viewport_size(PHONE)
    log_in(page, "alice")
    page.goto(f"/portal/incidents/{incident.number}/")
    page.get_by_text(f"How did we do on {incident.number}?").wait_for()
    page.locator("label", has_text="4").click()
    page.get_by_label("Anything to add? (optional)").fill("Fixed the same day")
    page.get_by_role("button", name="Send my rating").click()
    page.get_by_text(f"Thank you: you rated {incident.number} 4 out of 5.").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "survey_portal_phone.png"), full_page=True)
    survey = Survey.objects.get(incident=incident, medium="portal")
    assert (survey.rating, survey.comment) == (4, "Fixed the same day")


def test_a_rating_link_of_the_email_confirms_and_takes_a_comment(page, agent, live_server, settings):
    settings.DESK_URL = live_server.url
    SurveySettings.objects.create(medium="portal", enabled=False)
    incident = IncidentFactory(reporter=ContactFactory(email="jess@example.org"), channel=Channel.WEB)
    resolve(incident, agent)
    surveys_schedule()
    surveys_send_due()
    link = re.search(r"^  5 \(great\): (\S+)$", mail.outbox[0].body, re.MULTILINE).group(1)
    page.goto(link)
    assert page.locator("input[value='5']").is_checked()
    page.get_by_label("Anything to add? (optional)").fill("Brilliant, thanks")
    page.get_by_role("button", name="Send my rating").click()
    page.get_by_text("5 out of 5").wait_for()
    page.screenshot(path=str(ARTIFACTS / "survey_email_link.png"), full_page=True)
    survey = Survey.objects.get(incident=incident, medium="email")
    assert (survey.rating, survey.comment) == (5, "Brilliant, thanks")
