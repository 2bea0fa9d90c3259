"""Saved views of the queue: personal and shared, and their counts, exact up to a bound and
shown as an estimate above it (the planner's, on PostgreSQL), all in one query, and kept
briefly in the shared cache for everyone whose count is the same."""

import time

import pytest
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from tickets import selectors, services
from tickets.access import is_agent
from tickets.models import SavedView
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


def test_counts_are_kept_briefly_and_shared_by_everyone_they_are_the_same_for(agent, contact):
    colleague = AgentFactory()
    IncidentFactory.create_batch(3, reporter=contact, impact=1, urgency=1)
    critical = services.saved_view_create(owner=agent, name="critical", query="priority=1", shared=True)
    mine = services.saved_view_create(owner=agent, name="mine", query="assignee=me&status=")
    IncidentFactory(reporter=contact, assignee=agent)
    now = timezone.now()
    assert selectors.saved_view_counts_cached(user=agent, views=[critical, mine]) == {}
    with assert_queries(1):
        counted = selectors.saved_view_counts(user=agent, views=[critical, mine], now=now)
    assert (counted[critical.pk], counted[mine.pk]) == (ViewCount(3, True), ViewCount(1, True))

    IncidentFactory(reporter=contact, impact=1, urgency=1)
    assert is_agent(colleague)  # (their role, loaded as each request does before a view runs)
    with assert_queries(0):  # a few seconds old: as the agent saw it
        assert selectors.saved_view_counts(user=agent, views=[critical, mine], now=now) == counted
        # the shared view's count serves a colleague; "mine" is someone else's for them
        assert selectors.saved_view_counts_cached(user=colleague, views=[critical, mine]) == {
            critical.pk: ViewCount(3, True)
        }
    with assert_queries(1):
        assert selectors.saved_view_counts(user=colleague, views=[mine], now=now)[mine.pk] == ViewCount(0, True)

    # A view whose definition changes is counted afresh; a new view with the same filters is not.
    SavedView.objects.filter(pk=critical.pk).update(query="priority=1&status=")
    critical.refresh_from_db()
    twin = services.saved_view_create(owner=colleague, name="P1 everywhere", query="status=&priority=1")
    with assert_queries(1):
        assert selectors.saved_view_counts(user=agent, views=[critical], now=now)[critical.pk] == ViewCount(4, True)
    with assert_queries(0):
        assert selectors.saved_view_counts(user=colleague, views=[twin], now=now)[twin.pk] == ViewCount(4, True)


def test_a_count_is_kept_no_longer_than_its_time(agent, contact, monkeypatch):
    IncidentFactory(reporter=contact)
    view = services.saved_view_create(owner=agent, name="all open", query="")
    monkeypatch.setattr(selectors, "SAVED_VIEW_COUNT_CACHE_SECONDS", 0.2)
    assert selectors.saved_view_counts(user=agent, views=[view], now=timezone.now())[view.pk] == ViewCount(1, True)
    IncidentFactory(reporter=contact)
    time.sleep(0.3)
    assert selectors.saved_view_counts_cached(user=agent, views=[view]) == {}
    assert selectors.saved_view_counts(user=agent, views=[view], now=timezone.now())[view.pk] == ViewCount(2, True)


def test_a_cache_that_does_not_answer_leaves_the_counts_to_the_database(agent, contact, monkeypatch, agent_client):
    # Redis away: every count is made again, and the queue's counts still answer.
    nobody = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})  # port 1: no one
    monkeypatch.setattr(selectors, "cache", nobody)
    IncidentFactory(reporter=contact)
    view = services.saved_view_create(owner=agent, name="all open", query="")

    assert selectors.saved_view_counts_cached(user=agent, views=[view]) == {}
    assert selectors.saved_view_counts(user=agent, views=[view], now=timezone.now())[view.pk] == ViewCount(1, True)
    assert agent_client.get("/incidents/views/counts/").status_code == 200
