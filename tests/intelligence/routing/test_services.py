"""intelligence.routing.services: training versions, suggesting and pre-filling services."""

import pytest
from django.core.exceptions import ValidationError

from intelligence.routing.models import ServiceKeywords, ServiceModel, ServiceSuggestion
from intelligence.routing.selectors import suggestion_outcomes
from intelligence.routing.services import (
    incidents_suggest,
    messages_suggest,
    service_keywords_set,
    service_model_train,
)
from tickets import services as tickets
from tickets.models import Event, Incident

from ...factories import AgentFactory, IncidentFactory, ManagerFactory, ServiceFactory
from ...social.factories import InboundMessageFactory
from .conftest import resolve

pytestmark = pytest.mark.django_db


def test_too_few_labels_train_nothing(catalogue):
    assert service_model_train() is None
    assert not ServiceModel.objects.exists()


def test_a_version_is_trained_from_resolved_incidents_and_again_only_when_labels_change(history):
    first = service_model_train()
    assert (first.version, first.samples, first.services) == (1, 24, 2)
    assert service_model_train() is None  # nothing new to learn

    # An agent corrects the service of a resolved incident: that teaches the next version.
    corrected = Incident.objects.filter(service=history["network"]).first()
    tickets.incident_update(incident=corrected, actor=AgentFactory(), service=history["mail"])
    second = service_model_train()
    assert second.version == 2 and second.samples == 24
    assert service_model_train(force=True).version == 3


def test_only_the_newest_versions_are_kept(history):
    for _ in range(7):
        service_model_train(force=True)
    assert list(ServiceModel.objects.values_list("version", flat=True)) == [7, 6, 5, 4, 3]


def test_a_new_incident_without_a_service_gets_the_suggested_one_and_it_is_recorded(history):
    service_model_train()
    incident = IncidentFactory(title="the VPN keeps dropping", description="")

    assert incidents_suggest(incident_ids=[incident.pk]) == 1

    incident.refresh_from_db()
    suggestion = ServiceSuggestion.objects.get(incident=incident)
    assert incident.service == history["network"] == suggestion.service
    assert suggestion.prefilled and suggestion.source == "model" and suggestion.model_version == 1
    assert 0.5 <= suggestion.confidence <= 1
    assert Event.objects.filter(incident=incident, actor_user=None, actor_contact=None, field="service").exists()
    assert incidents_suggest(incident_ids=[incident.pk]) == 0  # idempotent


def test_a_service_an_agent_chose_is_never_replaced(history):
    service_model_train()
    chosen = ServiceFactory(name="Printing")
    incident = IncidentFactory(title="the VPN keeps dropping", description="", service=chosen)

    incidents_suggest(incident_ids=[incident.pk])

    incident.refresh_from_db()
    assert incident.service == chosen
    suggestion = ServiceSuggestion.objects.get(incident=incident)
    assert suggestion.service == history["network"] and not suggestion.prefilled


def test_an_unsure_suggestion_is_recorded_but_not_pre_filled(catalogue, settings):
    settings.TRIAGE_PREFILL_CONFIDENCE = 0.6
    service_keywords_set(service=catalogue["mail"], keywords="outlook", actor=ManagerFactory())
    incident = IncidentFactory(title="Outlook is odd", description="")

    incidents_suggest(incident_ids=[incident.pk])

    incident.refresh_from_db()
    assert incident.service is None
    assert ServiceSuggestion.objects.get(incident=incident).confidence == 0.55


def test_inbound_messages_get_a_suggested_service(catalogue):
    service_keywords_set(service=catalogue["network"], keywords="wifi, vpn", actor=ManagerFactory())
    about_wifi = InboundMessageFactory(text="@desk the wifi and the vpn are both down")
    about_nothing = InboundMessageFactory(text="@desk hello")

    assert messages_suggest(message_ids=[about_wifi.pk, about_nothing.pk]) == 1

    suggestion = ServiceSuggestion.objects.get(message=about_wifi)
    assert (suggestion.service, suggestion.source, suggestion.confidence) == (catalogue["network"], "keywords", 0.7)


def test_only_managers_edit_keywords_and_each_phrase_is_kept_once(catalogue):
    with pytest.raises(ValidationError, match="Only managers"):
        service_keywords_set(service=catalogue["mail"], keywords="outlook", actor=AgentFactory())
    row = service_keywords_set(
        service=catalogue["mail"], keywords="Outlook, mail\nOUTLOOK,  shared  mailbox", actor=ManagerFactory()
    )
    assert row.phrases == ["outlook", "mail", "shared mailbox"]
    with pytest.raises(ValidationError, match="two characters"):
        service_keywords_set(service=catalogue["mail"], keywords="x", actor=ManagerFactory())
    assert ServiceKeywords.objects.get().keywords == "outlook\nmail\nshared mailbox"


def test_outcomes_count_what_agents_kept_and_corrected(history):
    service_model_train()
    agent = AgentFactory()
    kept = IncidentFactory(title="VPN down again", description="")
    corrected = IncidentFactory(title="wifi slow", description="")
    incidents_suggest(incident_ids=[kept.pk, corrected.pk])
    resolve(Incident.objects.get(pk=kept.pk), agent)
    resolve(Incident.objects.get(pk=corrected.pk), agent, history["mail"])

    outcomes = suggestion_outcomes()

    assert (outcomes.judged, outcomes.kept, outcomes.corrected) == (2, 1, 1)
    assert (outcomes.prefilled, outcomes.prefilled_kept, outcomes.kept_rate) == (2, 1, 0.5)
