"""The console's pages through the test client: the queue's URL filters and pages, bulk
actions, the incident page's forms, problems and contacts; bad input saves nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from tickets import services
from tickets.models import Contact, Event, Incident, Problem

from ...factories import ContactFactory, IncidentFactory, ProblemFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_the_queue_keeps_its_filters_in_the_url_and_in_its_page_links(agent_client, agent, contact, settings):
    vpn = ServiceFactory(name="VPN")
    for n in range(55):
        IncidentFactory(reporter=contact, title=f"VPN {n}", service=vpn)
    IncidentFactory(reporter=contact, title="Printer")
    response = agent_client.get(reverse("incident_list"), {"service": vpn.pk, "sort": "newest", "q": "vpn"})
    page = response.context["page"]
    assert len(page.incidents) == 50 and page.next_after and page.previous_before is None
    next_link = f"?service={vpn.pk}&amp;q=vpn&amp;sort=newest&amp;after={page.next_after}"
    assert next_link in response.text
    assert f'<option value="{vpn.pk}" selected>VPN</option>' in response.text

    second = agent_client.get(reverse("incident_list") + next_link.replace("&amp;", "&"))
    assert [i.title for i in second.context["page"].incidents] == [f"VPN {n}" for n in range(4, -1, -1)]
    assert second.context["page"].previous_before


def test_nonsense_in_the_queue_url_falls_back_to_the_defaults(agent_client, contact):
    IncidentFactory(reporter=contact)
    response = agent_client.get(
        reverse("incident_list"), {"status": "nope", "priority": "x", "sort": "'", "after": "-3", "service": "abc"}
    )
    assert response.status_code == 200 and len(response.context["page"].incidents) == 1


def test_the_live_endpoint_answers_with_counts_and_redraws_only_after_a_change(agent_client, agent, contact):
    queue = agent_client.get(reverse("incident_list"))
    poll_url = queue.text.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    quiet = agent_client.get(poll_url)
    assert "no changes since" in quiet.text and "queue-rows" not in quiet.text
    IncidentFactory(reporter=contact, title="Fresh one")
    busy = agent_client.get(poll_url)
    assert "1 new" in busy.text and 'id="queue-rows" hx-swap-oob="true"' in busy.text and "Fresh one" in busy.text
    assert agent_client.get(reverse("incident_queue_live")).status_code == 400


def test_bulk_actions_from_the_queue(agent_client, agent, contact):
    incidents = IncidentFactory.create_batch(3, reporter=contact)
    ids = [i.pk for i in incidents[:2]]
    back = reverse("incident_list") + "?status=open"
    response = agent_client.post(reverse("incident_bulk"), {"incidents": ids, "action": "assign_me", "next": back})
    assert response.url == back
    assert set(Incident.objects.filter(assignee=agent).values_list("pk", flat=True)) == set(ids)

    agent_client.post(
        reverse("incident_bulk"), {"incidents": ids, "action": "status", "status": "resolved", "note": "Fixed"}
    )
    assert set(Incident.objects.filter(pk__in=ids).values_list("status", "resolution")) == {("resolved", "Fixed")}

    agent_client.post(reverse("incident_bulk"), {"incidents": ids, "action": "assign", "assignee": ""})
    assert not Incident.objects.filter(assignee__isnull=False).exists()


def test_a_refused_bulk_action_says_why_and_changes_nothing(agent_client, agent, contact):
    incidents = IncidentFactory.create_batch(2, reporter=contact)
    response = agent_client.post(
        reverse("incident_bulk"),
        {"incidents": [i.pk for i in incidents], "action": "status", "status": "resolved", "note": ""},
        follow=True,
    )
    text = response.text
    assert "Resolving an incident needs a resolution note." in text and "Nothing was changed." in text
    assert set(Incident.objects.values_list("status", flat=True)) == {"new"}
    nothing = agent_client.post(reverse("incident_bulk"), {"action": "assign_me"}, follow=True)
    assert "Select at least one incident." in nothing.text


def test_bulk_never_returns_to_another_site(agent_client, contact):
    incident = IncidentFactory(reporter=contact)
    response = agent_client.post(
        reverse("incident_bulk"), {"incidents": [incident.pk], "action": "assign_me", "next": "https://evil.example/"}
    )
    assert response.url == reverse("incident_list")


def test_forms_refuse_a_post_without_the_csrf_token(agent, contact):
    incident = IncidentFactory(reporter=contact)
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    for name, args in [("incident_bulk", []), ("incident_assign_me", [incident.number]), ("contact_merge", [])]:
        assert (
            client.post(reverse(name, args=args), {"incidents": [incident.pk], "action": "assign_me"}).status_code
            == 403
        )
    incident.refresh_from_db()
    assert incident.assignee is None


def test_assign_to_me_from_the_incident_page(agent_client, agent, contact):
    incident = IncidentFactory(reporter=contact)
    response = agent_client.post(reverse("incident_assign_me", args=[incident.number]))
    assert response.url == reverse("incident_detail", args=[incident.number])
    incident.refresh_from_db()
    assert incident.assignee == agent


def test_priority_and_the_major_flag_change_from_the_incident_page(agent_client, agent, contact):
    incident = IncidentFactory(reporter=contact)
    agent_client.post(reverse("incident_priority", args=[incident.number]), {"impact": 1, "urgency": 1, "major": "on"})
    incident.refresh_from_db()
    assert (incident.priority, incident.major) == (1, True)
    assert Event.objects.filter(incident=incident, kind="priority").exists()
    bad = agent_client.post(reverse("incident_priority", args=[incident.number]), {"impact": 9, "urgency": 1})
    assert bad.status_code == 400 and "Select a valid choice" in bad.text


def test_problems_are_searched_linked_and_unlinked_from_the_incident_page(agent_client, agent, contact):
    incident = IncidentFactory(reporter=contact)
    problem = ProblemFactory(actor=agent, title="DNS resolver flaps")
    closed = ProblemFactory(actor=agent, title="DNS cache was full")
    services.problem_transition(problem=closed, to_status="closed", actor=agent)

    found = agent_client.get(reverse("problem_search"), {"q": "dns"})
    assert problem.number in found.text and closed.number not in found.text
    assert problem.number in agent_client.get(reverse("problem_search"), {"q": problem.number.lower()}).text
    assert "No open problem matches" in agent_client.get(reverse("problem_search"), {"q": "zzz"}).text

    refused = agent_client.post(reverse("incident_problem_link", args=[incident.number]), {"problem": closed.pk})
    assert refused.status_code == 400 and "Choose an open problem" in refused.text
    agent_client.post(reverse("incident_problem_link", args=[incident.number]), {"problem": problem.pk})
    incident.refresh_from_db()
    assert incident.problem == problem
    agent_client.post(reverse("incident_problem_unlink", args=[incident.number]))
    incident.refresh_from_db()
    assert incident.problem is None


def test_a_problem_is_created_from_the_selection_in_two_steps(agent_client, agent, contact):
    incidents = IncidentFactory.create_batch(2, reporter=contact, title="Mail is slow")
    ids = [i.pk for i in incidents]
    form = agent_client.post(reverse("problem_create"), {"incidents": ids})
    assert form.status_code == 200 and Problem.objects.count() == 0
    assert all(i.number in form.text for i in incidents) and 'value="Mail is slow"' in form.text

    blank = agent_client.post(reverse("problem_create"), {"incidents": ids, "title": " "})
    assert blank.status_code == 400 and Problem.objects.count() == 0

    response = agent_client.post(reverse("problem_create"), {"incidents": ids, "title": "Mail gateway overloaded"})
    problem = Problem.objects.get()
    assert response.url == reverse("problem_detail", args=[problem.number])
    assert set(problem.incidents.values_list("pk", flat=True)) == set(ids)


def test_the_problem_page_links_unlinks_notes_edits_and_moves_the_problem(agent_client, agent, contact):
    problem = ProblemFactory(actor=agent)
    first, second = IncidentFactory.create_batch(2, reporter=contact)
    url = reverse("problem_detail", args=[problem.number])

    bad = agent_client.post(reverse("problem_link", args=[problem.number]), {"numbers": f"{first.number}, INC9999999"})
    assert bad.status_code == 400 and "No such incident: INC9999999." in bad.text
    assert not Incident.objects.filter(problem=problem).exists()
    garbage = agent_client.post(reverse("problem_link", args=[problem.number]), {"numbers": "hello"})
    assert "Not an incident number: HELLO." in garbage.text

    agent_client.post(reverse("problem_link", args=[problem.number]), {"numbers": f"{first.number} {second.number}"})
    assert problem.incidents.count() == 2
    agent_client.post(reverse("incident_problem_unlink", args=[second.number]), {"next": url})
    assert list(problem.incidents.all()) == [first]

    agent_client.post(reverse("problem_note", args=[problem.number]), {"body": "Vendor ticket 4411"})
    assert problem.comments.get().visibility == "internal"

    agent_client.post(
        reverse("problem_update", args=[problem.number]),
        {"title": problem.title, "root_cause": "Expired certificate", "workaround": "Use the backup relay"},
    )
    agent_client.post(reverse("problem_transition", args=[problem.number]), {"status": "known_error"})
    agent_client.post(
        reverse("problem_transition", args=[problem.number]),
        {"status": "resolved", "resolve_incidents_note": "Certificate renewed"},
    )
    problem.refresh_from_db()
    first.refresh_from_db()
    assert problem.status == "resolved" and (first.status, first.resolution) == ("resolved", "Certificate renewed")
    page = agent_client.get(url).text
    assert "Expired certificate" in page and "Vendor ticket 4411" in page and first.number in page


def test_the_problem_list_filters(agent_client, agent):
    ProblemFactory(actor=agent, title="Open one")
    closed = ProblemFactory(actor=agent, title="Closed one")
    services.problem_transition(problem=closed, to_status="closed", actor=agent)
    assert "Closed one" not in agent_client.get(reverse("problem_list")).text
    assert "Closed one" in agent_client.get(reverse("problem_list"), {"status": ""}).text
    assert "Open one" not in agent_client.get(reverse("problem_list"), {"status": "", "q": "closed"}).text


def test_agents_merge_two_contacts_after_choosing_which_one_stays(agent_client, agent, customer):
    portal = services.contact_for_user(user=customer)
    handle = ContactFactory(name="@alice_x")
    IncidentFactory(reporter=handle, title="From X")
    assert "@alice_x" in agent_client.get(reverse("contact_list"), {"q": "alice"}).text

    confirm = agent_client.post(reverse("contact_merge"), {"contacts": [portal.pk, handle.pk]})
    assert confirm.status_code == 200 and "Which contact do you keep?" in confirm.text
    assert Contact.objects.filter(merged_into__isnull=False).count() == 0

    agent_client.post(reverse("contact_merge"), {"contacts": [portal.pk, handle.pk], "keep": portal.pk})
    handle.refresh_from_db()
    assert handle.merged_into == portal
    assert Incident.objects.get(title="From X").reporter == portal
    assert f'id="contact-{handle.pk}"' not in agent_client.get(reverse("contact_list"), {"q": "alice"}).text


def test_a_merge_needs_exactly_two_live_contacts_and_explains_a_refusal(agent_client, customer, other_customer):
    alice = services.contact_for_user(user=customer)
    bob = services.contact_for_user(user=other_customer)
    one = agent_client.post(reverse("contact_merge"), {"contacts": [alice.pk]}, follow=True)
    assert "Select exactly two contacts" in one.text
    both_logins = agent_client.post(reverse("contact_merge"), {"contacts": [alice.pk, bob.pk], "keep": bob.pk})
    assert both_logins.status_code == 400 and "Both contacts have a portal login" in both_logins.text
    assert not Contact.objects.filter(merged_into__isnull=False).exists()


@pytest.mark.parametrize(
    ("name", "method", "needs_number"),
    [
        ("incident_queue_live", "get", False),
        ("incident_bulk", "post", False),
        ("incident_assign_me", "post", True),
        ("incident_priority", "post", True),
        ("incident_problem_link", "post", True),
        ("incident_problem_unlink", "post", True),
        ("problem_list", "get", False),
        ("problem_search", "get", False),
        ("problem_create", "post", False),
        ("contact_list", "get", False),
        ("contact_merge", "post", False),
    ],
)
def test_the_console_is_closed_to_customers(customer_client, customer, name, method, needs_number):
    incident = IncidentFactory(reporter=services.contact_for_user(user=customer))
    args = [incident.number] if needs_number else []
    response = getattr(customer_client, method)(
        reverse(name, args=args), {"incidents": [incident.pk], "action": "assign_me"}
    )
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.assignee is None and incident.priority == 5


def test_typing_an_incident_number_in_the_search_opens_that_incident(agent_client, contact):
    incident = IncidentFactory(reporter=contact, title="VPN drops")
    sequence = int(incident.number[3:])
    for typed in (incident.number, incident.number.lower(), f" inc{sequence} ", f"#{sequence}"):
        response = agent_client.get(reverse("incident_list"), {"q": typed})
        assert response.status_code == 302, typed
        assert response.url == reverse("incident_detail", args=[incident.number])
    # A number nobody has (or the agent may not see) is an ordinary search that finds nothing.
    missing = agent_client.get(reverse("incident_list"), {"q": "INC0999999"})
    assert missing.status_code == 200 and missing.context["page"].incidents == []
    words = agent_client.get(reverse("incident_list"), {"q": "vpn"})
    assert words.status_code == 200 and [i.pk for i in words.context["page"].incidents] == [incident.pk]
