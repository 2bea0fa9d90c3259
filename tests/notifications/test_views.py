"""The page where a person chooses the e-mails they receive."""

import pytest
from django.urls import reverse

from notifications.services import notification_preferences

from ..queries import assert_queries

pytestmark = pytest.mark.django_db
URL = reverse("notification_preferences")


def test_a_customer_sees_and_changes_their_kinds(customer_client, customer):
    page = customer_client.get(URL).content.decode()
    assert "An agent replies to my incident" in page and "An incident is assigned to me" not in page

    assert "How did we do? (a satisfaction survey" in page
    response = customer_client.post(URL, {"resolved": "on"})

    assert response.status_code == 302
    assert notification_preferences(user=customer) == {"public_reply": False, "resolved": True, "survey": False}


def test_an_agent_sees_the_agents_kinds(agent_client):
    page = agent_client.get(URL).content.decode()
    assert "An incident is assigned to me" in page and "The reporter of my incident answers" in page
    assert "My incident is resolved" not in page


def test_the_page_costs_a_fixed_number_of_queries(agent_client):
    agent_client.get(URL)
    # session, user, the user's own and group permissions (role and nav), the preferences
    with assert_queries(5):
        agent_client.get(URL)


def test_anonymous_people_are_sent_to_log_in(client):
    assert client.get(URL).status_code == 302
