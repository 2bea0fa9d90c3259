"""POST /api/v1/triage/suggest/: service, intent, similar open incidents, known errors."""

import pytest

from intelligence.routing.services import service_keywords_set
from tickets import services as tickets
from tickets.models import ProblemStatus

from ...factories import IncidentFactory, ManagerFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/triage/suggest/"
WORKAROUND = "Reconnect with the TCP profile: Settings > VPN > Profile > TCP."


@pytest.fixture
def desk(catalogue, agent, django_capture_on_commit_callbacks):
    """Keywords for the network; an open VPN incident; a VPN known error with its incident."""
    service_keywords_set(service=catalogue["network"], keywords="vpn, wifi", actor=ManagerFactory())
    with django_capture_on_commit_callbacks(execute=True):
        linked = IncidentFactory(title="VPN disconnects every hour", description="The VPN tunnel drops at home.")
        open_one = IncidentFactory(title="VPN tunnel drops at home again", description="every hour or so")
        IncidentFactory(title="Printer jammed on floor 2", description="paper jam")
    problem = tickets.problem_create(title="VPN concentrator drops tunnels", actor=agent, incidents=[linked])
    problem = tickets.problem_transition(
        problem=problem, actor=agent, to_status=ProblemStatus.KNOWN_ERROR, workaround=WORKAROUND
    )
    return {"network": catalogue["network"], "open": open_one, "linked": linked, "problem": problem}


def post(client, text, **extra):
    return client.post(URL, {"text": text, **extra}, content_type="application/json")


def test_an_agent_gets_the_service_the_intent_similar_open_incidents_and_known_errors(agent_client, desk):
    answer = post(agent_client, "The VPN tunnel drops every hour").json()

    assert answer["service"] == {"id": desk["network"].pk, "name": "Network", "confidence": 0.55, "source": "keywords"}
    assert (answer["intent"], answer["looks_like_incident"]) == ("complaint", True)
    numbers = [found["number"] for found in answer["similar_incidents"]]
    assert desk["open"].number in numbers and desk["linked"].number in numbers
    assert all(found["status"] in ("new", "in_progress", "on_hold") for found in answer["similar_incidents"])
    assert [k["number"] for k in answer["known_errors"]] == [desk["problem"].number]
    assert answer["known_errors"][0]["workaround"] == WORKAROUND


def test_praise_does_not_look_like_an_incident(agent_client, desk):
    answer = post(agent_client, "great job fixing the wifi, thank you!").json()
    assert (answer["intent"], answer["looks_like_incident"]) == ("thanks", False)
    assert answer["intent_reason"]


def test_nothing_known_answers_no_service_and_empty_lists(agent_client, catalogue):
    answer = post(agent_client, "my chair squeaks").json()
    assert answer["service"] is None and answer["similar_incidents"] == [] and answer["known_errors"] == []


def test_a_customer_gets_the_service_and_intent_but_nobody_elses_incidents(customer_client, desk):
    answer = post(customer_client, "The VPN tunnel drops every hour").json()
    assert answer["service"]["name"] == "Network"
    assert answer["similar_incidents"] == [] and answer["known_errors"] == []


def test_the_query_counts_are_fixed(agent_client, desk, django_assert_num_queries):
    post(agent_client, "warm the model cache")
    # auth: session, user, permissions (user's, groups'); suggester: newest version, services
    # with keywords; the service; similar: document frequencies, candidates, their vectors (the
    # candidates query runs on a raw cursor: counted too)
    with django_assert_num_queries(10):
        assert post(agent_client, "The VPN tunnel drops every hour").status_code == 200


def test_a_customers_answer_reads_no_incident(customer_client, desk, django_assert_num_queries):
    post(customer_client, "warm")
    # session, user, permissions (two), the newest version, services with keywords, the service
    with django_assert_num_queries(7):
        assert post(customer_client, "The VPN tunnel drops every hour").status_code == 200


def test_bad_input_gets_a_clear_error(agent_client):
    missing = agent_client.post(URL, {}, content_type="application/json")
    assert missing.status_code == 400 and "text" in str(missing.json())
    assert post(agent_client, "x" * 5001).status_code == 400
    assert post(agent_client, "vpn", limit=0).status_code == 400


def test_who_may_ask(client):
    assert post(client, "vpn").status_code == 401
    client.force_login(UserFactory())  # no role
    assert post(client, "vpn").status_code == 403


def test_it_is_in_the_openapi_schema(agent_client):
    schema = agent_client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/triage/suggest/"]["post"]
    assert operation["summary"] == "Triage a text"
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][response]["properties"]) == {
        "service",
        "intent",
        "intent_reason",
        "looks_like_incident",
        "similar_incidents",
        "known_errors",
    }
