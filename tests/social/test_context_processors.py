"""The banner about refused tokens (social.context_processors.account_alerts): staff and
managers see it on every page and in the admin; it costs one query, for them only."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from ..factories import UserFactory
from ..queries import get_queries
from .factories import SocialAccountFactory

pytestmark = pytest.mark.django_db

BANNER = "social-token-alert"


@pytest.fixture
def refused(db):
    return SocialAccountFactory(
        handle="@desk",
        token_error="Invalid or expired token",
        token_error_at=datetime(2026, 3, 4, 5, 6, tzinfo=UTC),
    )


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_managers_see_which_token_was_refused_and_when(client, manager, refused):
    client.force_login(manager)
    page = client.get(reverse("incident_list")).text
    assert BANNER in page
    assert "The X token of <strong>@desk</strong>" in page
    assert "was refused on 04 Mar 2026 05:06: Invalid or expired token." in page
    assert "An administrator must update it in the admin." in page


def test_staff_get_a_link_to_the_account_in_the_admin(client, root, refused):
    client.force_login(root)
    page = client.get(reverse("incident_list")).text
    link = reverse("admin:social_socialaccount_change", args=[refused.pk])
    assert f'<a href="{link}" class="alert-link">Update it in the admin.</a>' in page


def test_the_admin_shows_it_too(client, root, refused):
    SocialAccountFactory(channel="facebook", handle="Help Page", token_error="Error validating access token.")
    client.force_login(root)
    page = client.get(reverse("admin:index")).text
    assert 'class="messagelist social-token-alerts"' in page
    assert "The X token of <strong>@desk</strong>" in page
    assert "The Facebook token of <strong>Help Page</strong>" in page
    assert "Error validating access token.\n" in page  # one full stop, not two
    assert "Site administration" in page  # the rest of the admin's base_site is intact


def test_agents_and_customers_do_not_see_it(client, agent, customer, refused):
    for person, url in ((agent, reverse("incident_list")), (customer, reverse("portal_home"))):
        client.force_login(person)
        assert BANNER not in client.get(url).text


def test_no_banner_for_healthy_or_inactive_accounts(client, manager, refused):
    refused.active = False
    refused.save()
    SocialAccountFactory(channel="facebook")
    client.force_login(manager)
    assert BANNER not in client.get(reverse("incident_list")).text


def test_text_is_escaped(client, manager):
    SocialAccountFactory(handle="<b>desk</b>", token_error="<script>alert(1)</script>")
    client.force_login(manager)
    page = client.get(reverse("incident_list")).text
    assert "&lt;b&gt;desk&lt;/b&gt;" in page and "&lt;script&gt;alert(1)&lt;/script&gt;." in page


def test_it_is_one_query_for_managers_and_none_for_agents(client, manager, agent, refused):
    def queries(person) -> int:
        client.force_login(person)
        url = reverse("contact_list")
        client.get(url)  # warm-up: the session and the permissions of this person
        return get_queries(client, url)

    SocialAccountFactory(channel="facebook", token_error="Session expired")
    assert queries(manager) == queries(agent) + 1


def test_tokens_are_not_decrypted_to_draw_it(client, manager, refused, settings):
    # Read with another key, a token would not decrypt: the banner must not need one.
    settings.SOCIAL_ENCRYPTION_KEY = "another key entirely"
    client.force_login(manager)
    assert "The X token of <strong>@desk</strong>" in client.get(reverse("incident_list")).text
