"""The alerts page, an alert's page with its messages, the actions, and the console's banner:
each with its exact number of queries."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from intelligence.spikes import services
from intelligence.spikes.models import AlertState, Metric
from intelligence.spikes.services import BANNER_CACHE_KEY
from tests.factories import IncidentFactory, ServiceFactory
from tests.queries import get_queries

from .factories import raise_alert
from .traffic import add_messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def vpn():
    return ServiceFactory(name="VPN")


# Session, user, the user's and their groups' permissions: every agent page starts with these.
AUTH = 4


def queries_uncached(client, url: str) -> int:
    """The queries of a page whose banner is not cached (the banner's own: one)."""
    cache.delete(BANNER_CACHE_KEY)
    return get_queries(client, url)


def test_the_alerts_page_costs_the_same_for_three_alerts_or_thirty(agent_client, agent, vpn):
    for n in range(3):
        services.alert_acknowledge(alert=raise_alert(service=vpn if n % 2 else None), actor=agent)
    three = queries_uncached(agent_client, reverse("spikes:alert_list") + "?state=")
    for n in range(27):
        raise_alert(service=vpn if n % 2 else None)
    assert queries_uncached(agent_client, reverse("spikes:alert_list") + "?state=") == three
    # The page (alerts with their service, incident, problem and people joined), the banner.
    assert three == AUTH + 1 + 1


def test_the_alerts_page_filters_by_state_and_pages_back(agent_client, agent):
    resolved = services.alert_resolve(alert=raise_alert(), actor=agent)
    raised = raise_alert()
    page = agent_client.get(reverse("spikes:alert_list")).content.decode()
    assert f'id="spike-alert-{raised.pk}"' in page and f'id="spike-alert-{resolved.pk}"' not in page
    page = agent_client.get(reverse("spikes:alert_list") + "?state=resolved").content.decode()
    assert f'id="spike-alert-{raised.pk}"' not in page and f'id="spike-alert-{resolved.pk}"' in page


def test_an_alert_page_lists_the_messages_behind_it(agent_client, vpn):
    alert = raise_alert(service=vpn, metric=Metric.NEGATIVE_SHARE, observed=2, scored=3, expected=0.5)
    vpn_incident = IncidentFactory(service=vpn)
    behind = add_messages(at=alert.window_start, count=3, incident=vpn_incident, negative=2)
    add_messages(at=alert.window_start, count=2, incident=IncidentFactory(), negative=2)  # another service
    add_messages(at=alert.window_end, count=2, incident=vpn_incident, negative=2)  # after the window
    url = reverse("spikes:alert_detail", args=[alert.pk])
    # The alert with its relations, its messages (identity and incident number joined), the banner.
    assert queries_uncached(agent_client, url) == AUTH + 3
    page = agent_client.get(url).content.decode()
    shown = {message.pk for message in behind[:2]}  # the negative ones about the VPN, in the window
    for message in behind:
        assert (f'id="inbox-message-{message.pk}"' in page) == (message.pk in shown)
    assert page.count('id="inbox-message-') == 2
    assert vpn_incident.number in page


def test_the_actions_open_a_major_incident_and_a_problem_from_the_page(agent_client, agent, vpn):
    alert = raise_alert(service=vpn)
    url = reverse("spikes:alert_detail", args=[alert.pk])
    response = agent_client.post(reverse("spikes:alert_major_incident", args=[alert.pk]), {"next": url}, follow=True)
    alert.refresh_from_db()
    assert response.redirect_chain == [(url, 302)]
    assert f"Major incident {alert.incident.number} opened." in response.content.decode()
    response = agent_client.post(reverse("spikes:alert_problem", args=[alert.pk]), follow=True)
    alert.refresh_from_db()
    assert f"Problem {alert.problem.number} opened." in response.content.decode()
    response = agent_client.post(reverse("spikes:alert_major_incident", args=[alert.pk]), follow=True)
    assert "A major incident is already open for this alert." in response.content.decode()
    agent_client.post(reverse("spikes:alert_resolve", args=[alert.pk]))
    alert.refresh_from_db()
    assert alert.state == AlertState.RESOLVED


def test_customers_get_no_alert_pages_and_no_banner(customer_client):
    alert = raise_alert()
    assert customer_client.get(reverse("spikes:alert_list")).status_code == 403
    assert customer_client.get(reverse("spikes:alert_detail", args=[alert.pk])).status_code == 403
    assert customer_client.post(reverse("spikes:alert_acknowledge", args=[alert.pk])).status_code == 403
    assert "spike-banner" not in customer_client.get(reverse("portal_home")).content.decode()


def test_the_banner_costs_one_query_then_none_while_cached(agent_client, vpn):
    alert = raise_alert(service=vpn, observed=48, expected=4)
    uncached = get_queries(agent_client, reverse("contact_list"))
    cached = get_queries(agent_client, reverse("contact_list"))
    assert uncached == cached + 1
    page = agent_client.get(reverse("contact_list")).content.decode()
    assert "Spike in messages about VPN" in page and "12× the usual" in page
    assert reverse("spikes:alert_detail", args=[alert.pk]) in page


def test_a_change_of_alert_is_on_the_banner_at_once(agent_client, django_capture_on_commit_callbacks):
    assert "spike-banner" not in agent_client.get(reverse("contact_list")).content.decode()  # cached: none
    with django_capture_on_commit_callbacks(execute=True):
        alert = raise_alert()
    assert "spike-banner" in agent_client.get(reverse("contact_list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post(reverse("spikes:alert_acknowledge", args=[alert.pk]))
    assert "spike-banner" not in agent_client.get(reverse("contact_list")).content.decode()
