import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def perms(role: str) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=role).permissions.all()}


def test_the_roles_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {"agent", "manager", "customer"}


def test_a_manager_can_do_everything_an_agent_can():
    assert perms("agent") <= perms("manager")
    assert "tickets.work_incidents" in perms("agent")


def test_a_customer_can_only_raise_incidents():
    assert perms("customer") == {"tickets.raise_incidents"}


def test_the_roles_answer_through_permissions(agent, manager, customer, outsider):
    from tickets.access import is_agent, is_customer

    assert [is_agent(u) for u in (agent, manager, customer, outsider)] == [True, True, False, False]
    assert [is_customer(u) for u in (agent, manager, customer, outsider)] == [False, False, True, False]
