"""Known errors to the rescue: a new incident meets the workaround; a problem tells everyone."""

import pytest
from django.core.exceptions import ValidationError

from intelligence.known_errors.models import KnownErrorMatch
from intelligence.known_errors.services import problem_tell_affected, workaround_send
from tests.factories import IncidentFactory
from tickets import services as tickets
from tickets.models import Comment, ProblemStatus, Visibility

pytestmark = pytest.mark.django_db

WORKAROUND = "Reconnect with the TCP profile: Settings > VPN > Profile > TCP."


@pytest.fixture
def indexed_incident(django_capture_on_commit_callbacks):
    def make(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            return IncidentFactory(**fields)

    return make


@pytest.fixture
def known_error(agent, indexed_incident):
    first = indexed_incident(title="VPN disconnects every hour", description="The VPN tunnel drops at home.")
    problem = tickets.problem_create(title="VPN concentrator drops tunnels", actor=agent, incidents=[first])
    return tickets.problem_transition(
        problem=problem, actor=agent, to_status=ProblemStatus.KNOWN_ERROR, workaround=WORKAROUND
    )


def test_a_new_incident_like_a_known_errors_is_matched_when_indexed(known_error, indexed_incident):
    incident = indexed_incident(title="VPN keeps disconnecting", description="the tunnel drops again")
    match = KnownErrorMatch.objects.get(incident=incident)
    assert match.problem == known_error and match.sent_at is None and match.score > 0
    assert not KnownErrorMatch.objects.filter(incident__title__startswith="Printer").exists()


def test_an_unrelated_incident_matches_nothing(known_error, indexed_incident):
    indexed_incident(title="Printer jammed on floor 2", description="paper jam")
    assert KnownErrorMatch.objects.count() == 0


def test_the_panel_offers_it_and_one_click_sends_it_once(agent_client, known_error, indexed_incident):
    incident = indexed_incident(title="VPN keeps disconnecting", description="the tunnel drops again")
    panel = agent_client.get(f"/intelligence/incidents/{incident.number}/similar/").content.decode()
    assert WORKAROUND.split(":")[0] in panel and "Send the workaround" in panel
    url = f"/intelligence/incidents/{incident.number}/workaround/{known_error.number}/"
    assert agent_client.post(url).status_code == 302
    reply = Comment.objects.get(incident=incident)
    assert (reply.body, reply.visibility) == (WORKAROUND, Visibility.PUBLIC)
    match = KnownErrorMatch.objects.get(incident=incident)
    assert match.reply == reply and match.sent_at is not None
    response = agent_client.post(url, follow=True)
    assert "already sent" in response.content.decode()
    assert Comment.objects.filter(incident=incident).count() == 1
    assert "Workaround sent" in agent_client.get(f"/intelligence/incidents/{incident.number}/similar/").content.decode()


def test_telling_everyone_affected_sends_once_to_each_open_incident(agent, agent_client, known_error):
    others = [IncidentFactory(title=f"VPN down #{n}") for n in range(3)]
    tickets.problem_link_incidents(problem=known_error, incidents=others, actor=agent)
    workaround_send(incident=others[0], problem=known_error, actor=agent)  # one told already
    told = problem_tell_affected(problem=known_error, actor=agent)
    assert {i.number for i in told} == {others[1].number, others[2].number} | {
        i.number for i in known_error.incidents.exclude(pk__in=[o.pk for o in others])
    }
    for incident in known_error.incidents.all():
        assert Comment.objects.filter(incident=incident, body=WORKAROUND, visibility=Visibility.PUBLIC).count() == 1
    assert problem_tell_affected(problem=known_error, actor=agent) == []
    page = agent_client.post(f"/intelligence/problems/{known_error.number}/tell-affected/", follow=True)
    assert "told already" in page.content.decode()


def test_the_problem_page_offers_it(agent_client, known_error):
    page = agent_client.get(f"/problems/{known_error.number}/").content.decode()
    assert "Tell everyone affected" in page


def test_nothing_to_send_is_refused(agent):
    problem = tickets.problem_create(title="Unknown", actor=agent)
    with pytest.raises(ValidationError, match="no workaround"):
        problem_tell_affected(problem=problem, actor=agent)
