"""Similar incidents in a real Chromium: a problem candidate accepted into a problem, a merge
from the similar panel, and a known error's workaround sent from an incident."""

import pytest

from intelligence.candidates.services import candidates_refresh
from tests.factories import IncidentFactory, ServiceFactory
from tickets import services as tickets
from tickets.models import Comment, Incident, IncidentStatus, ProblemStatus, Visibility

from .conftest import log_in
from .test_social import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WORKAROUND = "Switch the VPN client to the TCP profile until the concentrator is replaced."


@pytest.fixture
def vpn_incidents():
    network = ServiceFactory(name="Network")
    return [
        IncidentFactory(title="VPN disconnects every hour", description="VPN tunnel drops", service=network),
        IncidentFactory(title="VPN keeps disconnecting", description="the VPN tunnel drops again", service=network),
        IncidentFactory(title="VPN disconnected again", description="VPN tunnel dropped at home"),
        IncidentFactory(title="Printer jammed on floor 2", description="paper jam"),
    ]


def test_a_candidate_is_accepted_into_a_problem(page, agent, vpn_incidents):
    assert candidates_refresh().proposed == 1
    log_in(page, "agent")
    page.goto("/problems/")
    page.get_by_role("link", name="Candidates").click()
    page.get_by_role("heading", name="Problem candidates").wait_for()
    candidate = page.locator("section.candidate")
    assert candidate.count() == 1
    for incident in vpn_incidents[:3]:
        assert candidate.get_by_role("link", name=incident.number).is_visible()
    assert vpn_incidents[3].number not in candidate.inner_text()
    assert "Network" in candidate.inner_text()
    shot(page, "problem_candidates")

    candidate.get_by_label("Problem title").fill("VPN tunnels drop for home workers")
    candidate.get_by_role("button", name="Accept: make a problem").click()
    page.get_by_role("heading", name="VPN tunnels drop for home workers").wait_for()
    assert "3 incidents linked" in page.inner_text("body")
    for incident in vpn_incidents[:3]:
        incident.refresh_from_db()
        assert incident.problem is not None and incident.problem.title == "VPN tunnels drop for home workers"
    shot(page, "problem_candidate_accepted")
    page.goto("/problems/candidates/")
    page.locator("#no-candidates").wait_for()
    assert page.console_errors == []


def test_an_incident_is_merged_from_its_similar_incidents(page, agent, vpn_incidents):
    duplicate, survivor = vpn_incidents[1], vpn_incidents[0]
    tickets.comment_create(
        incident=duplicate, body="Me too since 9am", visibility=Visibility.PUBLIC, author=duplicate.reporter
    )
    log_in(page, "agent")
    page.goto(f"/incidents/{duplicate.number}/")
    panel = page.locator("#similar")
    panel.get_by_role("link", name=survivor.number).wait_for()
    assert panel.get_by_role("link", name=vpn_incidents[2].number).is_visible()
    assert vpn_incidents[3].number not in panel.inner_text()
    shot(page, "similar_incidents_panel")

    panel.get_by_role("button", name=f"Merge {duplicate.number} into {survivor.number}").click()
    page.wait_for_url(f"**/incidents/{survivor.number}/")
    page.get_by_text(f"{duplicate.number} is merged into {survivor.number}").wait_for()
    assert "Me too since 9am" in page.inner_text("body")  # the comment came along
    shot(page, "merged_into_survivor")
    page.goto(f"/incidents/{duplicate.number}/")
    page.get_by_role("link", name=f"Duplicate of {survivor.number}").wait_for()
    duplicate = Incident.objects.get(pk=duplicate.pk)
    assert duplicate.status == IncidentStatus.CLOSED and duplicate.duplicate_of_id == survivor.pk
    shot(page, "merged_duplicate")
    assert page.console_errors == []


def test_the_workaround_is_sent_from_an_incident(page, agent, vpn_incidents):
    problem = tickets.problem_create(title="VPN concentrator drops tunnels", actor=agent, incidents=vpn_incidents[:1])
    tickets.problem_transition(problem=problem, actor=agent, to_status=ProblemStatus.KNOWN_ERROR, workaround=WORKAROUND)
    new = IncidentFactory(title="VPN keeps dropping the tunnel", description="VPN disconnects at home")
    log_in(page, "agent")
    page.goto(f"/incidents/{new.number}/")
    match = page.locator(".known-error-match")
    match.wait_for()
    assert problem.number in match.inner_text() and WORKAROUND in match.inner_text()
    shot(page, "known_error_on_incident")

    match.get_by_role("button", name="Send the workaround").click()
    page.get_by_text(f"The workaround of {problem.number} was sent").wait_for()
    page.locator(".workaround-sent").wait_for()
    reply = Comment.objects.get(incident=new)
    assert (reply.body, reply.visibility) == (WORKAROUND, Visibility.PUBLIC)
    assert WORKAROUND in page.locator("#timeline-title + *").inner_text() or WORKAROUND in page.inner_text("body")
    shot(page, "workaround_sent")
    assert page.console_errors == []
