"""The managers' settings, from the app: SLA targets and acknowledgement texts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from feedback.desk_settings import acknowledgement_text_save, sla_target_update
from social.models import AcknowledgementTemplate
from tickets.models import SlaTarget

from ...factories import IncidentFactory

pytestmark = pytest.mark.django_db


def login(client, user):
    client.login(username=user.username, password="correct horse battery staple", request=HttpRequest())


def test_a_manager_changes_the_sla_targets_and_new_incidents_get_them(client, manager):
    login(client, manager)
    page = client.get("/dashboards/settings/")
    assert page.status_code == 200 and 'name="response_1"' in page.content.decode()
    form = {
        f"{kind}_{t.priority}": getattr(t, f"{kind}_minutes")
        for t in SlaTarget.objects.all()
        for kind in ("response", "resolution")
    }
    form |= {"response_1": 10, "resolution_1": 120}
    answer = client.post("/dashboards/settings/sla/", form, follow=True)
    assert "SLA targets saved for 1 priority." in answer.content.decode()
    assert SlaTarget.objects.values_list("response_minutes", "resolution_minutes").get(priority=1) == (10, 120)
    incident = IncidentFactory(impact=1, urgency=1)
    assert (incident.response_due_at - incident.created_at).total_seconds() == 600


def test_impossible_targets_are_refused_with_the_reason_and_nothing_saved(client, manager):
    login(client, manager)
    before = list(SlaTarget.objects.order_by("priority").values_list("response_minutes", "resolution_minutes"))
    form = {
        f"{kind}_{t.priority}": getattr(t, f"{kind}_minutes")
        for t in SlaTarget.objects.all()
        for kind in ("response", "resolution")
    }
    answer = client.post(
        "/dashboards/settings/sla/", form | {"response_2": 600, "resolution_2": 30, "response_3": "x"}, follow=True
    )
    body = answer.content.decode()
    assert "P2, resolution minutes: A resolution cannot be due before the first response." in body
    assert "P3, response minutes: Between 1 minute and a year." in body
    assert list(SlaTarget.objects.order_by("priority").values_list("response_minutes", "resolution_minutes")) == before


def test_a_manager_edits_an_acknowledgement_text_and_a_bad_one_is_refused(client, manager):
    login(client, manager)
    answer = client.post(
        "/dashboards/settings/acknowledgements/twitter/", {"text": "Hi {name}, it is {number}."}, follow=True
    )
    assert "Acknowledgement text saved." in answer.content.decode()
    assert AcknowledgementTemplate.objects.get(channel="twitter").text == "Hi {name}, it is {number}."
    answer = client.post("/dashboards/settings/acknowledgements/twitter/", {"text": "Hi {nmae}"}, follow=True)
    assert "{nmae}" in answer.content.decode()
    assert AcknowledgementTemplate.objects.get(channel="twitter").text == "Hi {name}, it is {number}."
    assert client.post("/dashboards/settings/acknowledgements/nowhere/", {"text": "x"}).status_code == 403


def test_agents_and_customers_may_not_change_settings(client, agent, customer):
    target = SlaTarget.objects.get(priority=1)
    for user in (agent, customer):
        with pytest.raises(PermissionDenied):
            sla_target_update(target=target, response_minutes=5, resolution_minutes=50, by=user)
        with pytest.raises(PermissionDenied):
            acknowledgement_text_save(channel="twitter", text="{number}", by=user)
        login(client, user)
        assert client.get("/dashboards/settings/").status_code == 403
        assert client.post("/dashboards/settings/sla/", {"response_1": 5}).status_code == 403
    assert SlaTarget.objects.get(priority=1).response_minutes == target.response_minutes


def test_the_service_refuses_bad_values_whoever_calls_it(manager):
    with pytest.raises(ValidationError) as refused:
        sla_target_update(
            target=SlaTarget.objects.get(priority=1), response_minutes=0, resolution_minutes=10**7, by=manager
        )
    assert set(refused.value.message_dict) == {"response_minutes", "resolution_minutes"}


def test_a_manager_sets_the_surveys_of_a_channel_from_the_app(client, manager):
    from feedback.surveys.models import SurveySettings

    login(client, manager)
    page = client.get("/dashboards/settings/").content.decode()
    assert 'action="/dashboards/settings/surveys/twitter/"' in page and 'id="survey-portal"' in page
    answer = client.post(
        "/dashboards/settings/surveys/twitter/",
        {
            "enabled": "on",
            "delay_minutes": "30",
            "sample_percent": "25",
            "answer_window_hours": "48",
            "question": "How was it, {name}? 1 to 5",
        },
        follow=True,
    )
    assert "Survey settings saved for X (Twitter)." in answer.content.decode()
    row = SurveySettings.objects.get(medium="twitter")
    assert (row.enabled, row.delay_minutes, row.sample_percent, row.answer_window_hours, row.question) == (
        True,
        30,
        25,
        48,
        "How was it, {name}? 1 to 5",
    )
    client.post(
        "/dashboards/settings/surveys/email/",
        {"delay_minutes": "0", "sample_percent": "100", "answer_window_hours": "24", "question": ""},
    )
    assert SurveySettings.objects.get(medium="email").enabled is False  # unticked: off


def test_impossible_survey_settings_are_refused_with_the_reasons(client, manager):
    from feedback.surveys.models import SurveySettings

    login(client, manager)
    answer = client.post(
        "/dashboards/settings/surveys/portal/",
        {"delay_minutes": "x", "sample_percent": "150", "answer_window_hours": "0", "question": "Hi {who}"},
        follow=True,
    )
    body = answer.content.decode()
    assert "Portal, delay minutes: Between 0 minutes and 30 days." in body
    assert "Portal, sample percent: A share from 0 to 100 %." in body
    assert "Portal, answer window hours: Between 1 hour and 90 days." in body
    assert "Unknown placeholder {who}" in body
    long = client.post(
        "/dashboards/settings/surveys/twitter/",
        {
            "enabled": "on",
            "delay_minutes": "1",
            "sample_percent": "1",
            "answer_window_hours": "1",
            "question": "x" * 300,
        },
        follow=True,
    )
    assert "Too long for one" in long.content.decode()
    assert not SurveySettings.objects.exists()
    # Long words are fine where there is no post to fit: the portal's page.
    client.post(
        "/dashboards/settings/surveys/portal/",
        {
            "enabled": "on",
            "delay_minutes": "1",
            "sample_percent": "1",
            "answer_window_hours": "1",
            "question": "x" * 300,
        },
    )
    assert SurveySettings.objects.get(medium="portal").question == "x" * 300


def test_agents_and_customers_are_refused_the_settings(client, agent, customer):
    from feedback.desk_settings import survey_settings_save

    for user in (agent, customer):
        login(client, user)
        assert client.get("/dashboards/settings/").status_code == 403
        assert client.post("/dashboards/settings/surveys/portal/", {"sample_percent": "1"}).status_code == 403
        with pytest.raises(PermissionDenied):
            survey_settings_save(
                medium="portal",
                enabled=False,
                delay_minutes=0,
                sample_percent=0,
                answer_window_hours=1,
                question="",
                by=user,
            )
