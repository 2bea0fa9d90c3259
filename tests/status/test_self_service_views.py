"""The self-service panel's endpoints: the suggestions fragment (public for customers, the
triage for agents) and "This solved it"; who may call them, exact query counts, bad input."""

import uuid

import pytest
from django.urls import reverse

from broadcasts import services as broadcasts
from tickets.models import Deflection, Incident

from ..factories import UserFactory
from ..queries import assert_queries, get_queries
from .conftest import INTERNAL_NOTE, INTERNAL_WORKAROUND, MAIL_INTERNAL, PUBLIC_WORKAROUND

pytestmark = pytest.mark.django_db
SUGGEST = reverse("status:self_service_suggest")
SOLVED = reverse("status:self_service_solved")
TYPED = {"title": "The VPN tunnel drops every hour", "description": "at home, since this morning"}


def suggest(client, **typed):
    return client.get(SUGGEST, typed or TYPED)


def test_a_customer_sees_the_public_known_error_and_the_outage(customer_client, desk):
    page = suggest(customer_client).content.decode()

    assert "2 things we already know of may answer this" in page
    assert "The VPN drops every hour" in page and PUBLIC_WORKAROUND in page
    assert "Major outage" in page and "A major incident is being handled." in page
    assert page.count("This solved it") == 2 and page.count("I still need help") == 2


def test_a_customer_never_sees_internal_words_nor_other_peoples_incidents(customer_client, desk):
    page = suggest(customer_client).content.decode()
    mail = suggest(customer_client, title="Outlook cannot send mail", description="stuck in the outbox")

    for private in (
        INTERNAL_WORKAROUND,
        INTERNAL_NOTE,
        desk["theirs"].number,
        desk["theirs"].title,
        desk["vpn"].number,
    ):
        assert private not in page
    assert desk["vpn"].title not in page  # the problem's internal title; the public one is shown
    assert MAIL_INTERNAL not in mail.content.decode() and "This solved it" not in mail.content.decode()


def test_an_agent_gets_the_triage_service_similar_incidents_and_internal_known_errors(agent_client, desk):
    page = suggest(agent_client).content.decode()

    assert f'data-suggested-service="{desk["network"].pk}"' in page
    assert "Suggested service: <strong>Network</strong>" in page and "55 % sure" in page
    assert desk["theirs"].number in page and desk["vpn"].number in page and INTERNAL_WORKAROUND in page
    assert "This solved it" not in page


def test_nothing_typed_shows_nothing(customer_client, desk):
    assert suggest(customer_client, title="", description="").content.decode().strip() == ""


def test_who_may_ask_for_suggestions(client, desk):
    assert suggest(client).status_code == 302  # to the login page
    client.force_login(UserFactory())  # no role
    assert suggest(client).status_code == 403


def test_the_customers_suggestions_cost_a_fixed_number_of_queries(customer_client, desk):
    suggest(customer_client)  # the suggester's model, loaded once per process
    # session, user, permissions (user's, groups'); triage: the newest model version, services
    # with keywords, the service, similar incidents (document frequencies, candidates, vectors
    # with their incidents); the public known errors; the states (services, incidents, problems,
    # changes, overrides); the public updates (broadcasts, with their services when there are any)
    assert get_queries(customer_client, f"{SUGGEST}?title=The+VPN+tunnel+drops+every+hour") == 17


def test_the_agents_suggestions_cost_a_fixed_number_of_queries(agent_client, desk):
    suggest(agent_client)
    assert get_queries(agent_client, f"{SUGGEST}?title=The+VPN+tunnel+drops+every+hour") == 17


# --- "This solved it" ------------------------------------------------------------------------


def solved(client, key, **chosen):
    return client.post(SOLVED, {"key": str(key), **TYPED, **chosen}, HTTP_HX_REQUEST="true")


def test_this_solved_it_records_one_deflection_and_raises_nothing(customer_client, customer, desk):
    key = uuid.uuid4()
    first = solved(customer_client, key, known_error=desk["public"].pk)
    second = solved(customer_client, key, known_error=desk["public"].pk)

    assert first.status_code == second.status_code == 200
    assert "nothing was raised" in first.content.decode()
    deflection = Deflection.objects.get()
    assert (deflection.user, deflection.problem, deflection.text) == (
        customer,
        desk["vpn"],
        "The VPN tunnel drops every hour\nat home, since this morning",
    )
    assert not Incident.objects.filter(reporter__user=customer).exists()


def test_without_scripts_it_goes_back_to_the_portal(customer_client, desk):
    response = customer_client.post(SOLVED, {"key": str(uuid.uuid4()), **TYPED, "outage_service": desk["network"].pk})
    assert response.status_code == 302 and response.url == reverse("portal_home")
    assert Deflection.objects.get().service == desk["network"]


def test_bad_input_is_a_clear_400_that_records_nothing(customer_client, desk, agent):
    assert solved(customer_client, "not-a-key", known_error=desk["public"].pk).status_code == 400
    refused = solved(customer_client, uuid.uuid4(), known_error=desk["mail_problem"].pk + 1000)
    assert refused.status_code == 400 and "not published" in refused.content.decode()
    assert solved(customer_client, uuid.uuid4()).status_code == 400
    assert not Deflection.objects.exists()


def test_only_customers_say_this_solved_it(client, agent, desk):
    assert client.post(SOLVED, {"key": str(uuid.uuid4()), **TYPED}).status_code == 302  # login
    client.force_login(agent)
    assert solved(client, uuid.uuid4(), known_error=desk["public"].pk).status_code == 403
    assert client.get(SOLVED).status_code in (403, 405)
    assert not Deflection.objects.exists()


def test_recording_costs_a_fixed_number_of_queries(customer_client, desk):
    # session, user, permissions (two); the public known error with its problem; the key; the
    # contact; savepoint, insert, release
    with assert_queries(10):
        assert solved(customer_client, uuid.uuid4(), known_error=desk["public"].pk).status_code == 200


def test_the_portal_form_carries_the_panel(customer_client):
    page = customer_client.get(reverse("portal_raise")).content.decode()
    assert 'aria-live="polite"' in page and SUGGEST in page and "js/self_service.js" in page
    assert 'id="self-service-key"' in page and "{#" not in page and "#}" not in page


def test_an_outage_shows_the_status_pages_updates_on_it(customer_client, desk, agent, manager):
    update = broadcasts.broadcast_create(
        by=agent,
        kind="outage",
        title="VPN down",
        text="The VPN is down for everybody; we are restarting the concentrator.",
        channels=["status"],
        services=[desk["network"]],
    )
    broadcasts.broadcast_submit(broadcast=update, by=agent)
    broadcasts.broadcast_approve(broadcast=update, by=manager)
    broadcasts.broadcast_publish(broadcast_id=update.pk)

    page = suggest(customer_client).content.decode()
    assert "we are restarting the concentrator" in page
    # and one query more than without updates: the broadcasts' services
    assert get_queries(customer_client, f"{SUGGEST}?title=The+VPN+tunnel+drops+every+hour") == 18


def test_the_agents_panel_offers_this_is_the_same_and_the_service_to_fill_in(agent_client, desk):
    page = suggest(agent_client).content.decode()
    assert f'name="same_as" value="{desk["theirs"].number}"' in page and "This is the same" in page
    assert 'data-suggested-label="Network, 55 % sure"' in page


def test_a_service_the_desk_is_not_sure_enough_of_is_shown_not_filled_in(agent_client, desk, settings):
    settings.TRIAGE_PREFILL_CONFIDENCE = 0.9
    page = suggest(agent_client).content.decode()
    assert "Suggested service: <strong>Network</strong>" in page and "not sure enough to fill it in" in page
    assert "data-suggested-service" not in page
