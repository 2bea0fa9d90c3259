"""Saved views of the queue: personal and shared, and their counts, exact up to a bound and
shown as an estimate above it (the planner's, on PostgreSQL), all in one query."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from tickets import selectors, services
from tickets.selectors import ViewCount

from ...factories import AgentFactory, IncidentFactory
from ...queries import assert_queries

pytestmark = pytest.mark.django_db


def test_an_agent_sees_their_own_views_and_the_shared_ones(agent):
    colleague = AgentFactory()
    services.saved_view_create(owner=agent, name="mine", query="assignee=me")
    services.saved_view_create(owner=colleague, name="shared", query="sla=breached", shared=True)
    services.saved_view_create(owner=colleague, name="private", query="priority=1")
    assert [v.name for v in selectors.saved_views_for(user=agent)] == ["mine", "shared"]
    assert [v.name for v in selectors.saved_views_for(user=colleague)] == ["private", "shared"]


def test_a_view_needs_a_name_unique_to_its_owner_and_only_its_owner_removes_it(agent, customer):
    view = services.saved_view_create(owner=agent, name="VPN", query="?service=3", shared=True)
    assert view.query == "service=3"
    with pytest.raises(ValidationError):
        services.saved_view_create(owner=agent, name="VPN", query="")
    with pytest.raises(ValidationError):
        services.saved_view_create(owner=agent, name="  ", query="")
    with pytest.raises(PermissionDenied):
        services.saved_view_create(owner=customer, name="mine", query="")
    with pytest.raises(PermissionDenied):
        services.saved_view_delete(view=view, actor=AgentFactory())
    services.saved_view_delete(view=view, actor=agent)
    assert selectors.saved_views_for(user=agent) == []


def test_counts_are_exact_up_to_the_bound_and_estimated_above_it(agent, contact):
    IncidentFactory.create_batch(6, reporter=contact)
    IncidentFactory.create_batch(2, reporter=contact, impact=1, urgency=1)
    views = [
        services.saved_view_create(owner=agent, name="all open", query=""),
        services.saved_view_create(owner=agent, name="critical", query="priority=1"),
        services.saved_view_create(owner=agent, name="words", query="q=broken&status="),
        services.saved_view_create(owner=agent, name="none", query="status=closed"),
    ]
    with assert_queries(1):
        counts = selectors.saved_view_counts(user=agent, views=views, now=timezone.now(), bound=5)
    by_name = {view.name: counts[view.pk] for view in views}
    assert (by_name["critical"], by_name["none"]) == (ViewCount(2, True), ViewCount(0, True))
    assert str(by_name["critical"]) == "2"
    for name in ("all open", "words"):
        count = by_name[name]
        assert not count.exact and count.value == 5
        if connection.vendor == "postgresql":
            assert count.estimate is not None and count.estimate >= 1  # the planner's guess
        else:
            assert count.estimate is None and str(count) == "5+"


def test_a_count_says_whether_it_is_exact_estimated_or_a_floor():
    assert str(ViewCount(412, True)) == "412"
    assert str(ViewCount(1000, False)) == "1,000+"
    assert str(ViewCount(1000, False, estimate=412_345)) == "≈ 410,000"
    assert str(ViewCount(1000, False, estimate=800)) == "1,000+"  # an estimate below what was counted
