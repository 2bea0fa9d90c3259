"""The Listening page (filters, pages, exact query counts), a heard post made an incident from
it, and the managers' queries page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from listening.models import HeardMessage, ListeningQuery
from social.models import SocialMessage
from tickets.models import Channel, Incident

from ..factories import IncidentFactory, ServiceFactory
from ..queries import get_queries, listing
from ..social.factories import InboundMessageFactory, SocialAccountFactory
from .factories import HeardMessageFactory, ListeningQueryFactory

URL = reverse("listening:message_list")


def shown(response) -> list[int]:
    return [m.pk for m in response.context["page"].messages]


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def test_agents_and_managers_see_it_customers_do_not(client, agent, manager, customer):
    for user, status in ((agent, 200), (manager, 200), (customer, 403)):
        client.force_login(user)
        assert client.get(URL).status_code == status
    client.logout()
    assert client.get(URL).status_code == 302


def test_the_nav_links_to_it(agent_client):
    assert f'href="{URL}"' in agent_client.get(reverse("incident_list")).content.decode()


def test_newest_first_with_what_each_row_needs(agent_client):
    older = HeardMessageFactory(posted_at=timezone.now() - timedelta(hours=2), text="older vpn post")
    newer = HeardMessageFactory(posted_at=timezone.now() - timedelta(minutes=1), text="newer vpn post")
    response = agent_client.get(URL)
    assert shown(response) == [newer.pk, older.pk]
    page = response.content.decode()
    assert "newer vpn post" in page and newer.service.name in page and newer.query.name in page
    assert "Negative" in page and "Make an incident" in page
    assert f'href="{newer.url}"' in page


def test_the_same_number_of_queries_for_3_rows_and_for_30(agent_client):
    """Rows bring their query, service, account and incident up front, whatever their number."""
    query = ListeningQueryFactory()
    account = SocialAccountFactory()
    HeardMessageFactory.create_batch(3, query=query, account=account)
    few = get_queries(agent_client, URL)
    converted = HeardMessageFactory.create_batch(27, account=account)
    for message in converted[:5]:
        message.incident = IncidentFactory(channel="twitter")
        message.save()
    with CaptureQueriesContext(connection) as captured:
        agent_client.get(URL)
    assert len(captured) == few, listing(captured)
    # The session, the user, their permissions (2), the page, the filters' services and queries.
    assert few == 7, listing(captured)


def test_the_same_number_of_queries_filtered(agent_client):
    HeardMessageFactory.create_batch(3)
    service = ServiceFactory(name="VPN")
    query = ListeningQueryFactory(service=service)
    url = (
        f"{URL}?service={service.pk}&query={query.pk}&sentiment=negative&intent=complaint"
        "&channel=twitter&text=vpn&since=2026-01-01"
    )
    # Filtering by a service and a query validates each (one query each) before the page.
    assert get_queries(agent_client, url) == 9


def test_filters(agent_client):
    vpn = ServiceFactory(name="VPN")
    mail = ServiceFactory(name="Email")
    vpn_query = ListeningQueryFactory(service=vpn)
    a = HeardMessageFactory(query=vpn_query, text="The VPN is down", sentiment_label="negative", intent="complaint")
    b = HeardMessageFactory(
        query=ListeningQueryFactory(service=mail), text="Outlook is great", sentiment_label="positive", intent="praise"
    )
    c = HeardMessageFactory(
        channel=Channel.FACEBOOK,
        query=None,
        service=None,
        text="Nice page",
        sentiment_label="neutral",
        intent="chatter",
        posted_at=timezone.now() - timedelta(days=10),
    )
    assert shown(agent_client.get(URL, {"service": vpn.pk})) == [a.pk]
    assert shown(agent_client.get(URL, {"query": vpn_query.pk})) == [a.pk]
    assert shown(agent_client.get(URL, {"sentiment": "positive"})) == [b.pk]
    assert shown(agent_client.get(URL, {"intent": "praise"})) == [b.pk]
    assert shown(agent_client.get(URL, {"intent": "complaint"})) == [a.pk]
    assert shown(agent_client.get(URL, {"channel": "facebook"})) == [c.pk]
    assert shown(agent_client.get(URL, {"text": "outlook"})) == [b.pk]
    assert shown(agent_client.get(URL, {"text": b.author_handle})) == [b.pk]
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    assert set(shown(agent_client.get(URL, {"since": since}))) == {a.pk, b.pk}
    until = (timezone.localdate() - timedelta(days=5)).isoformat()
    assert shown(agent_client.get(URL, {"until": until})) == [c.pk]
    # A stale or hand-edited value is ignored, not an error.
    stale = {"service": "999999", "sentiment": "furious", "intent": "gratitude", "since": "x"}
    assert len(shown(agent_client.get(URL, stale))) == 3


def test_made_incidents_and_not(agent_client, agent):
    from listening.services import heard_message_convert

    a, b = HeardMessageFactory.create_batch(2)
    heard_message_convert(message=a, actor=agent)
    assert shown(agent_client.get(URL, {"state": "incident"})) == [a.pk]
    assert shown(agent_client.get(URL, {"state": "open"})) == [b.pk]


def test_pages_of_50_from_the_newest(agent_client):
    account = SocialAccountFactory()
    query = ListeningQueryFactory()
    messages = HeardMessageFactory.create_batch(51, account=account, query=query)
    newest_first = sorted(messages, key=lambda m: (m.posted_at, m.pk), reverse=True)
    first = agent_client.get(URL)
    assert shown(first) == [m.pk for m in newest_first[:50]]
    older = first.context["page"].older_before
    assert older == newest_first[49].pk
    assert 'rel="next"' in first.content.decode()
    second = agent_client.get(URL, {"before": older})
    assert shown(second) == [newest_first[50].pk]
    assert second.context["page"].older_before is None


def test_a_post_the_desk_was_addressed_in_links_to_intakes_incident(agent_client, contact):
    message = HeardMessageFactory()
    incident = IncidentFactory(channel="twitter")
    InboundMessageFactory(channel="twitter", external_id=message.external_id, incident=incident)
    page = agent_client.get(URL).content.decode()
    assert reverse("incident_detail", args=[incident.number]) in page
    assert "Make an incident" not in page


# --- making an incident ---------------------------------------------------------------------------


def test_make_an_incident_opens_it(agent_client):
    message = HeardMessageFactory(author_name="Dana W", text="vpn down since 9")
    response = agent_client.post(reverse("listening:message_convert", args=[message.pk]))
    message.refresh_from_db()
    assert message.incident is not None
    assert response.status_code == 302
    assert response.url == reverse("incident_detail", args=[message.incident.number])
    assert SocialMessage.objects.filter(incident=message.incident, external_id=message.external_id).exists()
    follow = agent_client.get(response.url)
    assert "A public reply here answers it there" in follow.content.decode()
    # Twice goes to the same incident.
    again = agent_client.post(reverse("listening:message_convert", args=[message.pk]))
    assert again.url == response.url
    assert Incident.objects.count() == 1


def test_make_an_incident_is_a_post_for_agents(agent_client, client, customer):
    message = HeardMessageFactory()
    url = reverse("listening:message_convert", args=[message.pk])
    assert agent_client.get(url).status_code == 405
    assert agent_client.post(reverse("listening:message_convert", args=[999999])).status_code == 404
    client.force_login(customer)
    assert client.post(url).status_code == 403
    assert not Incident.objects.exists()


# --- the queries page -----------------------------------------------------------------------------


def test_managers_define_queries_on_the_page(manager_client):
    service = ServiceFactory(name="VPN")
    page = manager_client.get(reverse("listening:query_list")).content.decode()
    assert "no public keyword search" in page  # said where managers define the queries
    response = manager_client.post(
        reverse("listening:query_create"),
        {"name": "VPN", "service": service.pk, "terms": "vpn\n#vpndown", "excluded_terms": "", "active": "on"},
    )
    assert response.status_code == 302
    query = ListeningQuery.objects.get()
    assert (query.name, query.service, query.term_list, query.active) == ("VPN", service, ["vpn", "#vpndown"], True)

    response = manager_client.post(
        reverse("listening:query_edit", args=[query.pk]), {"name": "VPN", "terms": "vpn\nanyconnect", "active": ""}
    )
    assert response.status_code == 302
    query.refresh_from_db()
    assert query.service is None and not query.active and query.term_list == ["vpn", "anyconnect"]

    manager_client.post(reverse("listening:query_delete", args=[query.pk]))
    assert not ListeningQuery.objects.exists()


def test_a_query_the_service_refuses_is_shown_again_with_why(manager_client):
    response = manager_client.post(reverse("listening:query_create"), {"name": "VPN", "terms": "x" * 101})
    assert response.status_code == 400
    assert "100 characters" in response.content.decode()
    assert not ListeningQuery.objects.exists()


def test_agents_see_the_queries_but_do_not_change_them(agent_client):
    query = ListeningQueryFactory(name="VPN")
    page = agent_client.get(reverse("listening:query_list")).content.decode()
    assert "VPN" in page and "New query" not in page
    assert agent_client.get(reverse("listening:query_create")).status_code == 403
    assert agent_client.post(reverse("listening:query_delete", args=[query.pk])).status_code == 403
    assert ListeningQuery.objects.exists()


def test_the_queries_page_shows_where_each_account_stands(manager_client):
    from listening.models import ListeningAccountState

    account = SocialAccountFactory(handle="AcmeDesk")
    ListeningAccountState.objects.create(
        account=account,
        window_requests=12,
        last_error="X search for q1 failed: X refused: Invalid query",
        listened_at=timezone.now(),
    )
    page = manager_client.get(reverse("listening:query_list")).content.decode()
    assert "AcmeDesk" in page and "12 of 60" in page and "Invalid query" in page


def test_the_queries_page_query_count_does_not_grow_with_queries(manager_client):
    ListeningQueryFactory.create_batch(2)
    few = get_queries(manager_client, reverse("listening:query_list"))
    ListeningQueryFactory.create_batch(10)
    SocialAccountFactory.create_batch(3)
    assert get_queries(manager_client, reverse("listening:query_list")) == few


@pytest.mark.django_db
def test_heard_messages_are_not_incidents():
    HeardMessageFactory.create_batch(3)
    assert HeardMessage.objects.count() == 3 and not Incident.objects.exists()
