"""servicedesk/views.py: the site's front door, and the assets the app serves itself."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_sends_each_role_to_its_start_page(client, agent, customer):
    client.force_login(agent)
    assert client.get(reverse("home")).url == reverse("incident_list")
    client.force_login(customer)
    assert client.get(reverse("home")).url == reverse("portal_home")


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("home"))
    assert (response.status_code, response.url) == (302, reverse("login"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_static_assets_are_served_by_the_app(live_server):
    import urllib.request

    for path in (
        "/static/bootstrap/css/bootstrap.min.css",
        "/static/django_htmx/htmx-2.min.js",
        "/static/css/desk.css",
    ):
        with urllib.request.urlopen(live_server.url + path) as response:
            assert response.status == 200
