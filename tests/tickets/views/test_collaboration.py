"""Two agents on one incident page: the forms carry the version they were drawn from and a
change from a stale page is refused with what changed since; the page's poll shows who else
is there and brings the changes in."""

import re
from html import unescape
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from tickets import services
from tickets.models import Event, Impact, Incident, IncidentStatus

from ...factories import AgentFactory, IncidentFactory, ProblemFactory, SupportGroupFactory
from ...queries import get_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(contact):
    return IncidentFactory(reporter=contact, title="VPN drops")


@pytest.fixture
def colleague(db):
    return AgentFactory(username="kim", first_name="Kim", last_name="Colleague")


@pytest.fixture
def colleague_client(colleague):
    client = Client()
    client.force_login(colleague)
    return client


def drawn(page_html: str) -> dict[str, str]:
    """The version and last event the page's forms carry (every form the same)."""
    versions = set(re.findall(r'name="version" value="([^"]*)"', page_html))
    seens = set(re.findall(r'name="seen" value="(\d+)"', page_html))
    assert len(versions) == 1 and len(seens) == 1, (versions, seens)
    return {"version": unescape(versions.pop()), "seen": seens.pop()}


def page_html(client, incident) -> str:
    return client.get(reverse("incident_detail", args=[incident.number])).text


def page_of(client, incident) -> dict[str, str]:
    return drawn(page_html(client, incident))


def test_every_form_that_changes_the_incident_carries_the_version_it_was_drawn_from(agent_client, incident):
    page = agent_client.get(reverse("incident_detail", args=[incident.number])).text
    fresh = Incident.objects.select_related(*services.VERSIONED_RELATED).get(pk=incident.pk)
    assert drawn(page)["version"] == services.incident_version(fresh)
    actions = ("incident_transition", "incident_assign", "incident_priority", "incident_not_incident")
    for action in (*actions, "incident_problem_link", "incident_comment"):
        form = page.split(f'action="{reverse(action, args=[incident.number])}"')[1].split("</form>")[0]
        assert 'name="version"' in form and 'name="seen"' in form, action
    services.problem_link_incidents(
        problem=ProblemFactory(actor=AgentFactory()), incidents=[incident], actor=AgentFactory()
    )
    page = agent_client.get(reverse("incident_detail", args=[incident.number])).text
    form = page.split(f'action="{reverse("incident_problem_unlink", args=[incident.number])}"')[1].split("</form>")[0]
    assert 'name="version"' in form and 'name="seen"' in form


def test_a_status_change_from_a_stale_page_is_refused_with_the_differences_and_the_input_kept(
    agent_client, agent, colleague, incident
):
    stale = page_of(agent_client, incident)
    group = SupportGroupFactory(name="Network")
    services.incident_transition(incident=incident, to_status=IncidentStatus.IN_PROGRESS, actor=colleague)
    services.incident_assign(incident=incident, assignee=colleague, assignment_group=group, actor=colleague)
    events = Event.objects.count()

    response = agent_client.post(
        reverse("incident_transition", args=[incident.number]),
        {"status": "resolved", "resolution": "Restarted the concentrator", **stale},
    )

    assert response.status_code == 409
    page = response.text
    assert "This incident changed since you opened it" in page
    refusal = page.split('id="stale-refusal"')[1].split("</div>")[0]
    assert 'Kim Colleague: status changed <span class="text-nowrap">New → In progress</span>' in refusal
    assert "Kim Colleague: assignment changed <em>assignee</em>" in refusal
    assert "Kim Colleague: assignment changed <em>assignment_group</em>" in refusal
    assert "Restarted the concentrator</textarea>" in page  # what they typed is kept
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.IN_PROGRESS and Event.objects.count() == events

    # The page drawn with the refusal is the latest version: saving again applies it.
    again = agent_client.post(
        reverse("incident_transition", args=[incident.number]),
        {"status": "resolved", "resolution": "Restarted the concentrator", **drawn(page)},
    )
    assert again.status_code == 302
    incident.refresh_from_db()
    assert (incident.status, incident.resolution) == (IncidentStatus.RESOLVED, "Restarted the concentrator")


@pytest.mark.parametrize(
    ("action", "data", "kept"),
    [
        ("incident_assign", {"assignee": "AGENT", "assignment_group": ""}, '<option value="AGENT" selected>'),
        ("incident_priority", {"impact": Impact.HIGH, "urgency": 1}, '<option value="1" selected>'),
        ("incident_not_incident", {"not_incident-kind": "spam", "not_incident-reason": "Ad"}, 'value="Ad"'),
        ("incident_assign_me", {}, 'id="assign-me"'),
    ],
)
def test_every_incident_form_is_refused_from_a_stale_page(agent_client, agent, colleague, incident, action, data, kept):
    data = {name: str(agent.pk) if value == "AGENT" else value for name, value in data.items()}
    kept = kept.replace("AGENT", str(agent.pk))
    stale = page_of(agent_client, incident)
    services.incident_update(incident=incident, actor=colleague, title="Renamed by Kim")
    row = Incident.objects.values().get(pk=incident.pk)
    response = agent_client.post(reverse(action, args=[incident.number]), {**data, **stale})
    assert response.status_code == 409
    assert "Kim Colleague: field changed <em>title</em>" in response.text
    assert "VPN drops → Renamed by Kim" in response.text
    assert kept in response.text or kept in unescape(response.text)
    assert Incident.objects.values().get(pk=incident.pk) == row


def test_a_problem_link_from_a_stale_page_is_refused_with_the_problem_chosen_kept(
    agent_client, agent, colleague, incident
):
    problem = ProblemFactory(actor=agent, title="Concentrator overloaded")
    stale = page_of(agent_client, incident)
    services.incident_update(incident=incident, actor=colleague, title="Renamed by Kim")
    url = reverse("incident_problem_link", args=[incident.number])

    response = agent_client.post(url, {"problem": problem.pk, **stale})

    assert response.status_code == 409
    assert "Kim Colleague: field changed <em>title</em>" in response.text
    assert f'value="{problem.pk}" id="problem-{problem.pk}" checked' in response.text
    assert Incident.objects.get(pk=incident.pk).problem is None
    again = agent_client.post(url, {"problem": problem.pk, **drawn(response.text)})
    assert again.status_code == 302 and Incident.objects.get(pk=incident.pk).problem == problem


def test_an_unlink_from_a_stale_page_is_refused(agent_client, agent, colleague, incident):
    problem = ProblemFactory(actor=agent)
    services.problem_link_incidents(problem=problem, incidents=[incident], actor=agent)
    stale = page_of(agent_client, incident)
    services.incident_transition(incident=incident, to_status=IncidentStatus.IN_PROGRESS, actor=colleague)
    url = reverse("incident_problem_unlink", args=[incident.number])

    response = agent_client.post(url, stale)

    assert response.status_code == 409
    assert 'Kim Colleague: status changed <span class="text-nowrap">New → In progress</span>' in response.text
    assert Incident.objects.get(pk=incident.pk).problem == problem
    assert agent_client.post(url, drawn(response.text)).status_code == 302
    assert Incident.objects.get(pk=incident.pk).problem is None


def test_a_saved_replys_status_change_from_a_stale_page_is_refused_with_the_reply_kept(
    agent_client, agent, colleague, incident
):
    resolving = services.macro_create(actor=agent, name="Fixed", body="Fixed", set_status=IncidentStatus.RESOLVED)
    stale = page_of(agent_client, incident)
    services.incident_assign(incident=incident, assignee=colleague, actor=colleague)
    url = reverse("incident_comment", args=[incident.number])
    reply = {"body": "Restarted the gateway", "visibility": "public", "macro": resolving.pk}

    response = agent_client.post(url, {**reply, **stale})

    assert response.status_code == 409
    assert "Kim Colleague: assignment changed <em>assignee</em>" in response.text
    assert "Restarted the gateway</textarea>" in response.text
    assert f'name="macro" value="{resolving.pk}"' in response.text
    assert 'id="macro-actions"><span id="macro-actions-text">When sent: status → Resolved (the reply' in response.text
    assert not incident.comments.exists() and Incident.objects.get(pk=incident.pk).status == IncidentStatus.NEW

    again = agent_client.post(url, {**reply, **drawn(response.text)})
    assert again.status_code == 302
    incident.refresh_from_db()
    assert (incident.status, incident.resolution) == (IncidentStatus.RESOLVED, "Restarted the gateway")


def test_a_form_without_a_version_is_not_checked(agent_client, colleague, incident):
    """A page drawn before versions existed (or a script) still works, as before."""
    services.incident_update(incident=incident, actor=colleague, title="Renamed by Kim")
    response = agent_client.post(reverse("incident_transition", args=[incident.number]), {"status": "in_progress"})
    assert response.status_code == 302


def test_a_reply_from_a_stale_page_is_never_refused(agent_client, colleague, incident):
    stale = page_of(agent_client, incident)
    services.incident_transition(incident=incident, to_status=IncidentStatus.IN_PROGRESS, actor=colleague)
    response = agent_client.post(
        reverse("incident_comment", args=[incident.number]),
        {"body": "On it", "visibility": "internal", **stale},
    )
    assert response.status_code == 302
    page = agent_client.get(response.url).text
    assert "On it" in page and "In progress" in page


def live_url(incident, drawn_from: dict[str, str], **polled) -> str:
    query = {
        **drawn_from,
        "polled": polled.get("polled", drawn_from["version"]),
        "after": polled.get("after", drawn_from["seen"]),
    }
    for name in ("replying", "page"):
        if name in polled:
            query[name] = polled[name]
    return reverse("incident_live", args=[incident.number]) + "?" + urlencode(query)


def test_the_poll_shows_who_else_is_on_the_page_and_who_is_replying(agent_client, colleague_client, agent, incident):
    mine = page_of(agent_client, incident)
    first_page = page_html(colleague_client, incident)
    theirs, first_id = drawn(first_page), re.search(r'data-page="([^"]+)"', first_page)[1]
    assert "Kim Colleague · viewing" in agent_client.get(live_url(incident, mine)).text

    colleague_client.get(live_url(incident, theirs, replying="1", page=first_id))
    poll = agent_client.get(live_url(incident, mine)).text
    assert "Kim Colleague · replying…" in poll
    assert "Sam Agent" not in poll  # not oneself

    # Kim posts a form: the page is drawn anew, and the old page's goodbye, arriving late,
    # does not hide Kim; the goodbye of the page Kim is on does.
    second_id = re.search(r'data-page="([^"]+)"', page_html(colleague_client, incident))[1]
    colleague_client.post(reverse("incident_leave", args=[incident.number]), {"page": first_id})
    assert "Kim Colleague · viewing" in agent_client.get(live_url(incident, mine)).text
    colleague_client.post(reverse("incident_leave", args=[incident.number]), {"page": second_id})
    assert "Nobody else has this incident open." in agent_client.get(live_url(incident, mine)).text


def test_a_page_said_goodbye_to_stays_gone_whatever_arrives_after(agent_client, colleague_client, incident):
    mine = page_of(agent_client, incident)
    page = page_html(colleague_client, incident)
    theirs, page_id = drawn(page), re.search(r'data-page="([^"]+)"', page)[1]
    cache = caches["presence"]
    read_before_goodbye = cache.get(f"incident:{incident.pk}")  # as a colleague's heartbeat in flight holds it

    colleague_client.post(reverse("incident_leave", args=[incident.number]), {"page": page_id})
    # That heartbeat writes back what it read, and the page's own last poll arrives late.
    cache.set(f"incident:{incident.pk}", read_before_goodbye)
    colleague_client.get(live_url(incident, theirs, page=page_id))

    assert "Nobody else has this incident open." in agent_client.get(live_url(incident, mine)).text


def test_presence_expires_when_a_page_stops_polling(agent_client, colleague_client, incident, settings):
    settings.INCIDENT_PRESENCE_SECONDS = 0  # everyone not heard of this instant has left
    mine = page_of(agent_client, incident)
    page_of(colleague_client, incident)
    assert "Nobody else has this incident open." in agent_client.get(live_url(incident, mine)).text


def test_the_poll_brings_a_colleagues_change_and_a_customers_reply_into_the_page(
    agent_client, colleague, contact, incident
):
    mine = page_of(agent_client, incident)
    quiet = agent_client.get(live_url(incident, mine)).text
    assert 'id="incident-timeline"' not in quiet and 'id="incident-changes"' not in quiet

    services.incident_transition(incident=incident, to_status=IncidentStatus.IN_PROGRESS, actor=colleague)
    services.comment_create(incident=incident, body="Still down here", visibility="public", author=contact)
    poll = agent_client.get(live_url(incident, mine)).text
    assert 'id="incident-timeline" hx-swap-oob="innerHTML"' in poll
    assert "Still down here" in poll.split('id="incident-timeline"')[1]
    changes = poll.split('id="changed-since-open"')[1].split("</div>")[0]
    assert "Kim Colleague: status changed" in changes and "New → In progress" in changes
    assert "Jess on X: added a reply or note" in changes
    assert 'id="incident-summary" hx-swap-oob="true"' in poll
    # The head drawn anew carries the version it shows (its "Assign to me" acts on it).
    head = poll.split('id="incident-summary"')[1]
    fresh = Incident.objects.select_related(*services.VERSIONED_RELATED).get(pk=incident.pk)
    assert services.incident_version(fresh) == unescape(re.search(r'name="version" value="([^"]*)"', head)[1])
    # The next poll knows what this one saw: quiet again, and it keeps the page's version.
    next_url = unescape(re.search(r'hx-get="([^"]*)"', poll)[1])
    assert mine["version"] in unescape(next_url.split("version=")[1].split("&")[0]).replace("%22", '"')
    assert 'id="incident-timeline"' not in agent_client.get(next_url).text


# The session, the user, the user's and their groups' permissions (the role check), and the
# incident with its related rows and its latest event's id: presence is in the cache.
QUIET_POLL_QUERIES = 5


def test_a_quiet_poll_costs_one_query_past_the_role_check(agent_client, colleague, incident):
    mine = page_of(agent_client, incident)
    assert get_queries(agent_client, live_url(incident, mine)) == QUIET_POLL_QUERIES
    for n in range(20):
        services.comment_create(incident=incident, body=f"note {n}", visibility="internal", author=colleague)
    mine = page_of(agent_client, incident)
    assert get_queries(agent_client, live_url(incident, mine)) == QUIET_POLL_QUERIES


def test_a_poll_that_redraws_costs_the_same_whatever_the_timeline(agent_client, colleague, incident):
    mine = page_of(agent_client, incident)
    services.incident_update(incident=incident, actor=colleague, title="Renamed")
    short = get_queries(agent_client, live_url(incident, mine))
    for n in range(20):
        services.comment_create(incident=incident, body=f"note {n}", visibility="internal", author=colleague)
        services.incident_update(incident=incident, actor=colleague, title=f"Renamed {n}")
    assert get_queries(agent_client, live_url(incident, mine)) == short


def test_the_poll_is_for_agents_only_and_a_customers_goodbye_does_nothing(customer_client, customer):
    incident = IncidentFactory(reporter=services.contact_for_user(user=customer))
    assert customer_client.get(reverse("incident_live", args=[incident.number])).status_code == 403
    left = customer_client.post(reverse("incident_leave", args=[incident.number]))
    assert left.status_code == 204 and settings.CSRF_COOKIE_NAME not in left.cookies


def csrf_client() -> tuple[Client, str]:
    """A browser's client, CSRF checked, with the token a page drew it."""
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    return client, client.cookies[settings.CSRF_COOKIE_NAME].value


def test_a_goodbye_after_the_session_ended_is_answered_without_a_login_page_or_a_new_csrf_cookie(
    agent, colleague_client, incident
):
    """The beacon follows a redirect, and the login page it reached gave the browser a fresh
    CSRF cookie, racing the login form drawn with the old one (a CSRF refusal in CI)."""
    client, token = csrf_client()
    client.force_login(agent)
    page = page_html(client, incident)
    page_id = re.search(r'data-page="([^"]+)"', page)[1]
    SessionStore(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).delete()  # signed out elsewhere

    left = client.post(
        reverse("incident_leave", args=[incident.number]), {"csrfmiddlewaretoken": token, "page": page_id}
    )
    assert left.status_code == 204 and "Location" not in left and settings.CSRF_COOKIE_NAME not in left.cookies
    # Nothing was done on the agent's behalf: they are shown until their presence lapses.
    assert "Sam Agent · viewing" in colleague_client.get(live_url(incident, page_of(colleague_client, incident))).text


def test_a_goodbye_is_refused_without_its_csrf_token(agent, colleague_client, incident):
    client, token = csrf_client()
    client.force_login(agent)
    page_id = re.search(r'data-page="([^"]+)"', page_html(client, incident))[1]
    colleagues_page = page_of(colleague_client, incident)

    forged = client.post(reverse("incident_leave", args=[incident.number]), {"page": page_id})
    assert forged.status_code == 403
    assert "Sam Agent · viewing" in colleague_client.get(live_url(incident, colleagues_page)).text
    left = client.post(
        reverse("incident_leave", args=[incident.number]), {"csrfmiddlewaretoken": token, "page": page_id}
    )
    assert left.status_code == 204
    assert "Nobody else has this incident open." in colleague_client.get(live_url(incident, colleagues_page)).text


def test_a_poll_for_an_unknown_incident_is_404(agent_client):
    assert agent_client.get(reverse("incident_live", args=["INC9999999"])).status_code == 404
