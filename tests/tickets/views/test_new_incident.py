"""The console's new-incident page (tickets/views/new_incident.py): who may open it, what it
draws and for how many queries, raising for a contact or somebody new, "This is the same", and
bad input that comes back with everything typed."""

import pytest
from django.urls import reverse

from tickets import services
from tickets.models import Contact, Impact, Incident, Urgency, Visibility

from ...factories import ContactFactory, IncidentFactory, ServiceFactory, SupportGroupFactory
from ...queries import assert_queries, get_queries
from ...social.factories import SocialIdentityFactory

pytestmark = pytest.mark.django_db
NEW = reverse("incident_new")
REPORTERS = reverse("incident_new_reporters")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def typed(**fields):
    return {
        "reporter": "new",
        "reporter_q": "",
        "reporter_name": "Dana Kim",
        "reporter_email": "dana@example.org",
        "channel": "phone",
        "title": "Printer on floor 3 jams",
        "description": "Every job since this morning.",
        "service": "",
        "service_suggested": "",
        "impact": str(Impact.MEDIUM),
        "urgency": str(Urgency.HIGH),
        "assignment_group": "",
        "assignee": "",
        **fields,
    }


# --- who may open it ---------------------------------------------------------------------------


def test_customers_and_people_without_a_role_are_refused(client, customer, outsider):
    assert client.get(NEW).url.startswith(reverse("login"))
    for user in (customer, outsider):
        client.force_login(user)
        assert client.get(NEW).status_code == 403
        assert client.post(NEW, typed()).status_code == 403
        assert client.get(REPORTERS, {"reporter_q": "Dana"}).status_code == 403
    assert not Incident.objects.exists() and not Contact.objects.filter(name="Dana Kim").exists()


def test_agents_and_managers_open_it_from_the_navigation(client, agent, manager):
    for user in (agent, manager):
        client.force_login(user)
        page = client.get(NEW).content.decode()
        assert "<h1" in page and "New incident" in page
        assert "data-shortcut-new" in client.get(reverse("incident_list")).content.decode()
    assert "<kbd>n</kbd>" in page  # the shortcuts list names the key


def test_the_page_carries_the_judgement_panel_and_the_agents_channels(agent_client):
    page = agent_client.get(NEW).content.decode()
    assert reverse("status:self_service_suggest") in page and 'aria-live="polite"' in page
    assert "js/incident_new.js" in page
    for value, label in (("phone", "Phone"), ("walk_in", "Walk-in"), ("chat", "Chat")):
        assert f'value="{value}"' in page and label in page
    assert 'value="twitter"' not in page and 'value="web"' not in page


def test_the_page_costs_a_fixed_number_of_queries(agent_client):
    SupportGroupFactory.create_batch(3)
    ServiceFactory.create_batch(3)
    # session, user, permissions (user's, groups'); the services, the groups, the agents
    assert get_queries(agent_client, NEW) == 7
    SupportGroupFactory.create_batch(10)
    ServiceFactory.create_batch(10)
    assert get_queries(agent_client, NEW) == 7


# --- raising -----------------------------------------------------------------------------------


def test_an_agent_raises_for_somebody_new(agent_client, agent):
    response = agent_client.post(NEW, typed())
    incident = Incident.objects.get()
    assert response.status_code == 302 and response.url == reverse("incident_detail", args=[incident.number])
    assert (incident.reporter.name, incident.reporter.email, incident.channel) == (
        "Dana Kim",
        "dana@example.org",
        "phone",
    )
    assert (incident.impact, incident.urgency) == (Impact.MEDIUM, Urgency.HIGH)
    assert incident.events.get().actor_user == agent
    page = agent_client.get(response.url).content.decode()
    assert f"{incident.number} raised for Dana Kim." in page
    # No channel carries a reply back to a caller: the reply box says where it is read.
    assert "The reporter sees a public reply in the portal, if they have a login; they told you by phone." in page


def test_an_agent_raises_for_a_contact_with_a_service_and_an_assignee(agent_client, agent, contact):
    vpn = ServiceFactory(name="VPN", owner_group=SupportGroupFactory(name="Network"))
    agent_client.post(
        NEW, typed(reporter=str(contact.pk), reporter_name="", reporter_email="", service=vpn.pk, assignee=agent.pk)
    )
    incident = Incident.objects.get()
    assert (incident.reporter, incident.service, incident.assignee) == (contact, vpn, agent)
    assert incident.assignment_group.name == "Network"
    assert Contact.objects.count() == 1


def test_bad_input_is_a_400_that_keeps_everything_typed(agent_client):
    response = agent_client.post(NEW, typed(reporter="", reporter_name="", reporter_email="", title=""))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose who reported it: find them, or give a new person&#x27;s name." in page
    assert "This field is required." in page
    assert "Every job since this morning." in page and 'value="2" selected' in page
    assert not Incident.objects.exists()


def test_a_known_e_mail_comes_back_naming_the_contact_and_keeps_the_search(agent_client):
    ContactFactory(name="Dana Kim", email="dana@example.org")
    response = agent_client.post(NEW, typed(reporter_q="dana", reporter_name="D. Kim"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Dana Kim is already a contact with dana@example.org" in page
    assert 'value="D. Kim"' in page and 'value="dana"' in page
    assert page.count('name="reporter" value=') == 2  # the contact found, and "Someone new"
    assert not Incident.objects.exists() and Contact.objects.count() == 1


def test_the_contact_chosen_stays_chosen_when_the_form_comes_back(agent_client, contact):
    response = agent_client.post(NEW, typed(reporter=str(contact.pk), title=""))
    assert response.status_code == 400
    assert f'value="{contact.pk}" id="reporter-{contact.pk}" checked' in response.content.decode()


def test_a_contact_gone_since_is_a_clear_error(agent_client):
    response = agent_client.post(NEW, typed(reporter="999999"))
    assert response.status_code == 400 and "That contact is no longer there" in response.content.decode()
    assert not Incident.objects.exists()


def test_a_channel_agents_do_not_raise_by_is_refused(agent_client):
    response = agent_client.post(NEW, typed(channel="twitter"))
    assert response.status_code == 400 and not Incident.objects.exists()


def test_raising_costs_a_fixed_number_of_queries(agent_client, contact):
    # session, user, permissions (two); the contact; the incident's checks (the contact, three
    # constraints, each in a savepoint), its priority and SLA target; its number, insert and
    # audit line; the webhooks' subscriptions that hear of it; the savepoints around it
    with assert_queries(28):
        agent_client.post(NEW, typed(reporter=str(contact.pk), reporter_name="", reporter_email=""))


# --- "This is the same" ------------------------------------------------------------------------


def test_this_is_the_same_adds_the_person_to_the_open_incident(agent_client, agent):
    existing = IncidentFactory(title="Printers on floor 3 jam")
    response = agent_client.post(NEW, typed(same_as=existing.number))
    assert response.status_code == 302 and response.url == reverse("incident_detail", args=[existing.number])
    note = existing.comments.get()
    assert note.visibility == Visibility.INTERNAL and note.body.startswith("Also reported by Dana Kim")
    assert Incident.objects.count() == 1
    page = agent_client.get(response.url).content.decode()
    assert f"Added to {existing.number} as a note: no new incident was raised." in page


def test_this_is_the_same_on_a_closed_or_unknown_incident_keeps_the_form(agent_client, agent):
    existing = IncidentFactory()
    services.incident_transition(incident=existing, to_status="cancelled", actor=agent)
    closed = agent_client.post(NEW, typed(same_as=existing.number))
    unknown = agent_client.post(NEW, typed(same_as="INC9999999"))
    assert closed.status_code == unknown.status_code == 400
    assert "is cancelled now: raise a new incident instead." in closed.content.decode()
    assert "There is no incident INC9999999." in unknown.content.decode()
    assert "Every job since this morning." in closed.content.decode()
    assert not existing.comments.exists() and not Contact.objects.filter(name="Dana Kim").exists()


# --- finding the reporter ----------------------------------------------------------------------


def test_the_reporter_search_finds_by_name_e_mail_and_handle(agent_client):
    dana = ContactFactory(name="Dana Kim", email="dkim@example.org")
    on_x = SocialIdentityFactory(handle="@ivo_p", display_name="Ivo P.")
    ContactFactory(name="Someone else", email="else@example.org")
    by_name = agent_client.get(REPORTERS, {"reporter_q": "dana"}).content.decode()
    by_email = agent_client.get(REPORTERS, {"reporter_q": "dkim@"}).content.decode()
    by_handle = agent_client.get(REPORTERS, {"reporter_q": "@ivo"}).content.decode()
    assert f'value="{dana.pk}"' in by_name and "Someone else" not in by_name
    assert f'value="{dana.pk}"' in by_email
    assert f'value="{on_x.contact.pk}"' in by_handle and "X @ivo_p" in by_handle
    nobody = agent_client.get(REPORTERS, {"reporter_q": "zz-nobody"}).content.decode()
    assert "Nobody the desk knows matches “zz-nobody”" in nobody


def test_the_reporter_search_keeps_the_chosen_contact_first(agent_client):
    chosen = ContactFactory(name="Zed Chosen")
    ContactFactory(name="Dana Kim")
    page = agent_client.get(REPORTERS, {"reporter_q": "dana", "reporter": chosen.pk}).content.decode()
    assert page.index("Zed Chosen") < page.index("Dana Kim")
    assert f'value="{chosen.pk}" id="reporter-{chosen.pk}" checked' in page


def test_the_reporter_search_costs_a_fixed_number_of_queries(agent_client):
    for n in range(3):
        SocialIdentityFactory(handle=f"@dana{n}", display_name=f"Dana {n}")
    # session, user, permissions (two); the contacts (finders as subqueries); their identities
    assert get_queries(agent_client, f"{REPORTERS}?reporter_q=dana") == 6
    for n in range(3, 8):
        SocialIdentityFactory(handle=f"@dana{n}", display_name=f"Dana {n}")
    assert get_queries(agent_client, f"{REPORTERS}?reporter_q=dana") == 6
    # fewer than two letters look for nobody
    assert get_queries(agent_client, f"{REPORTERS}?reporter_q=d") == 4
