"""The managers' Triage page: who may, what it shows, what it costs, and its forms."""

import pytest
from django.contrib.messages import get_messages

from intelligence.routing.models import ServiceKeywords, ServiceModel
from intelligence.routing.services import service_keywords_set

from ...factories import ManagerFactory, ServiceFactory

pytestmark = pytest.mark.django_db

PAGE = "/triage/"


@pytest.fixture
def manager_client(client):
    client.force_login(ManagerFactory())
    return client


def test_it_is_for_managers_only(agent_client):
    assert agent_client.get(PAGE).status_code == 403


def test_customers_and_strangers_may_not_see_it(customer_client):
    assert customer_client.get(PAGE).status_code == 403
    customer_client.logout()
    assert customer_client.get(PAGE).status_code == 302  # to the login page


def test_it_lists_each_active_service_with_its_keywords_in_a_constant_number_of_queries(
    manager_client, django_assert_num_queries
):
    manager = ManagerFactory()
    for n in range(3):
        service_keywords_set(service=ServiceFactory(name=f"Service {n}"), keywords=f"word{n}", actor=manager)
    ServiceFactory(name="Retired", active=False)
    # session, user, its permissions (user's, groups'), the accounts a platform refused; the
    # services with their keywords, the model versions, the outcomes
    with django_assert_num_queries(8):
        page = manager_client.get(PAGE).content.decode()
    assert "word2" in page and "Retired" not in page and "Nothing learned yet" in page
    ServiceFactory.create_batch(10)
    with django_assert_num_queries(8):
        manager_client.get(PAGE)


def test_a_manager_saves_a_services_keywords(manager_client):
    service = ServiceFactory(name="Printing")
    response = manager_client.post(f"/triage/services/{service.pk}/keywords/", {"keywords": "printer, toner"})
    assert response.status_code == 302
    assert ServiceKeywords.objects.get(service=service).keywords == "printer\ntoner"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Keywords of Printing saved."]


def test_a_bad_keyword_is_refused_with_the_reason(manager_client):
    service = ServiceFactory(name="Printing")
    response = manager_client.post(f"/triage/services/{service.pk}/keywords/", {"keywords": "a"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Printing: Each keyword needs at least two characters."
    ]
    assert not ServiceKeywords.objects.exists()


def test_learning_now_says_when_there_is_too_little_to_learn_from(manager_client):
    response = manager_client.post("/triage/train/")
    assert "Not enough resolved incidents" in str(next(iter(get_messages(response.wsgi_request))))
    assert not ServiceModel.objects.exists()


def test_agents_cannot_save_keywords(agent_client):
    service = ServiceFactory(name="Printing")
    assert agent_client.post(f"/triage/services/{service.pk}/keywords/", {"keywords": "printer"}).status_code == 403
    assert not ServiceKeywords.objects.exists()
