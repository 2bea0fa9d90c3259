"""Every rule of the policy, enforced by the services (pages and API call the same)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from broadcasts import services
from broadcasts.models import Approval, BroadcastRecord, BroadcastState, RecordKind
from broadcasts.policy import NotAllowed, TextBreaksPolicy

from ..factories import AgentFactory, ManagerFactory

pytestmark = pytest.mark.django_db


def submitted(broadcast, by):
    return services.broadcast_submit(broadcast=broadcast, by=by)


# --- The default policy: agents draft and submit, managers approve, one approval ---


def test_it_lets_an_agent_draft_and_submit_and_a_manager_approve(
    draft, agent, manager, django_capture_on_commit_callbacks
):
    broadcast = submitted(draft(), agent)
    assert broadcast.state == BroadcastState.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        broadcast = services.broadcast_approve(broadcast=broadcast, by=manager)
    broadcast.refresh_from_db()
    assert broadcast.state == BroadcastState.PUBLISHED
    kinds = list(BroadcastRecord.objects.filter(broadcast=broadcast).values_list("kind", "actor__username"))
    assert kinds == [
        (RecordKind.DRAFTED, "agent"),
        (RecordKind.SUBMITTED, "agent"),
        (RecordKind.APPROVED, "manager"),
        (RecordKind.PUBLISHED, None),
        (RecordKind.POSTED, None),
    ]


def test_it_refuses_a_customer_or_someone_without_a_role_as_drafter(customer, outsider):
    for person in (customer, outsider):
        with pytest.raises(NotAllowed) as refused:
            services.broadcast_create(by=person, kind="news", text="Hello", channels=["status"])
        assert refused.value.rule == "drafter"
        assert "the policy for any kind on any channel" in str(refused.value)  # the seeded default
        assert "only agents and managers may draft" in str(refused.value)


def test_it_refuses_an_agent_as_approver_naming_the_rule(draft, agent, other_agent):
    broadcast = submitted(draft(), agent)
    with pytest.raises(NotAllowed) as refused:
        services.broadcast_approve(broadcast=broadcast, by=other_agent)
    assert refused.value.rule == "approver"
    assert str(refused.value) == (
        "Under the policy for any kind on any channel, only managers may approve broadcasts for the status page."
    )
    assert not Approval.objects.exists()


def test_whoever_drafted_it_may_not_approve_it_unless_the_policy_says_so(manager, second_manager, rule):
    broadcast = services.broadcast_create(by=manager, kind="news", text="Tip: lock your screen.", channels=["status"])
    submitted(broadcast, manager)
    with pytest.raises(NotAllowed) as refused:
        services.broadcast_approve(broadcast=broadcast, by=manager)
    assert refused.value.rule == "four_eyes"
    rule(drafter_roles=["agent", "manager"], approver_roles=["manager"], drafter_may_approve=True)
    assert services.broadcast_approve(broadcast=broadcast, by=manager).state == BroadcastState.APPROVED


# --- Who drafts and approves: roles or a list of people, per kind and channel ---


def test_a_named_drafter_list_lets_only_those_people_draft(rule, agent, other_agent):
    rule(kind="outage", channel="twitter", drafter_roles=[], drafters=[other_agent], approver_roles=["manager"])
    with pytest.raises(NotAllowed) as refused:
        services.broadcast_create(by=agent, kind="outage", text="Mail is down.", channels=["twitter", "status"])
    assert "Under the policy for outage on X (Twitter)" not in str(refused.value)  # channels are named by name
    assert str(refused.value).startswith("Under the policy for outage on X, only ")
    assert other_agent.get_full_name() in str(refused.value)
    # Other kinds, and the status page alone, still follow the default.
    services.broadcast_create(by=agent, kind="news", text="Tip.", channels=["twitter"])
    services.broadcast_create(by=agent, kind="outage", text="Mail is down.", channels=["status"])
    assert services.broadcast_create(by=other_agent, kind="outage", text="Mail is down.", channels=["twitter"])


def test_the_most_specific_rule_applies(rule, agent, manager):
    rule(kind="", channel="", drafter_roles=["manager"], approver_roles=["manager"])  # the (any, any) rule edited
    rule(kind="news", channel="", drafter_roles=["agent"], approver_roles=["manager"])
    assert services.broadcast_create(by=agent, kind="news", text="Tip.", channels=["facebook"])
    with pytest.raises(NotAllowed):
        services.broadcast_create(by=agent, kind="outage", text="Down.", channels=["facebook"])
    rule(kind="", channel="facebook", drafter_roles=["agent"], approver_roles=["manager"])
    assert services.broadcast_create(by=agent, kind="outage", text="Down.", channels=["facebook"])


def test_named_approvers_approve_where_roles_do_not(draft, rule, agent, other_agent):
    rule(drafter_roles=["agent"], approver_roles=[], approvers=[other_agent])
    broadcast = submitted(draft(), agent)
    assert services.broadcast_approve(broadcast=broadcast, by=other_agent).state == BroadcastState.APPROVED


# --- How many approvals: a number of any approvers, or all of a list ---


def test_two_approvals_needed_means_the_first_leaves_it_awaiting(draft, rule, agent, manager, second_manager):
    rule(drafter_roles=["agent"], approver_roles=["manager"], approvals_needed=2)
    broadcast = submitted(draft(), agent)
    assert services.broadcast_approve(broadcast=broadcast, by=manager).state == BroadcastState.SUBMITTED
    with pytest.raises(ValidationError, match="approved this broadcast already"):
        services.broadcast_approve(broadcast=broadcast, by=manager)
    assert services.broadcast_approve(broadcast=broadcast, by=second_manager).state == BroadcastState.APPROVED


def test_all_of_a_list_needs_every_one_named_and_nobody_else(draft, rule, agent, manager, second_manager):
    third = ManagerFactory(username="manager3")
    rule(drafter_roles=["agent"], approver_roles=["manager"], approval_mode="all", approvers=[manager, second_manager])
    broadcast = submitted(draft(), agent)
    with pytest.raises(NotAllowed) as refused:
        services.broadcast_approve(broadcast=broadcast, by=third)  # a manager, but not on the list
    assert refused.value.rule == "approver"
    assert services.broadcast_approve(broadcast=broadcast, by=second_manager).state == BroadcastState.SUBMITTED
    assert services.broadcast_approve(broadcast=broadcast, by=manager).state == BroadcastState.APPROVED


def test_every_channel_rule_must_be_met(draft, rule, agent, manager, second_manager):
    rule(channel="twitter", drafter_roles=["agent"], approver_roles=["manager"], approvals_needed=2)
    broadcast = submitted(draft(channels=["status", "twitter"]), agent)
    assert services.broadcast_approve(broadcast=broadcast, by=manager).state == BroadcastState.SUBMITTED
    assert services.broadcast_approve(broadcast=broadcast, by=second_manager).state == BroadcastState.APPROVED


# --- What the words may say: banned phrases, required hashtags, length ---


def test_a_banned_phrase_stops_submission_and_approval_naming_the_rule(draft, rule, agent, manager):
    rule(kind="outage", drafter_roles=["agent"], approver_roles=["manager"], banned_phrases="ASAP\nour fault\n")
    broadcast = draft(kind="outage", text="Mail is down. It is OUR   fault, fixing asap.")
    with pytest.raises(TextBreaksPolicy) as refused:
        submitted(broadcast, agent)
    assert refused.value.rule == "banned_phrase"
    assert str(refused.value) == "The policy for outage on any channel bans the phrase “ASAP”."
    assert services.broadcast_update(broadcast=broadcast, by=agent, text="Mail is down. We are fixing it.")
    assert submitted(broadcast, agent).state == BroadcastState.SUBMITTED


def test_banned_words_are_matched_as_whole_words(draft, rule, agent):
    rule(drafter_roles=["agent"], approver_roles=["manager"], banned_phrases="ass")
    assert submitted(draft(text="The class on passwords is on Monday."), agent).state == BroadcastState.SUBMITTED


def test_a_required_hashtag_must_be_there(draft, rule, agent):
    rule(channel="twitter", drafter_roles=["agent"], approver_roles=["manager"], required_hashtags="ITStatus #Campus")
    broadcast = draft(text="Mail is back. #itstatus", channels=["twitter"])
    with pytest.raises(TextBreaksPolicy) as refused:
        submitted(broadcast, agent)
    assert refused.value.rule == "required_hashtag"
    assert str(refused.value) == "The policy for any kind on X requires the hashtag #Campus."
    services.broadcast_update(broadcast=broadcast, by=agent, text="Mail is back. #ITStatus #campus")
    assert submitted(broadcast, agent).state == BroadcastState.SUBMITTED
    # A tag inside a longer one does not count.
    broadcast = draft(text="Mail is back. #ITStatusPage #Campus", channels=["twitter"])
    with pytest.raises(TextBreaksPolicy, match="#ITStatus"):
        submitted(broadcast, agent)


def test_the_longest_text_is_counted_the_channels_way(draft, rule, agent):
    rule(channel="twitter", drafter_roles=["agent"], approver_roles=["manager"], max_length=40)
    # 18 characters and a link X counts as 23: 41 as X counts, 63 characters.
    broadcast = draft(text="Read the notices: https://status.example.org/notices/2026-12-07", channels=["twitter"])
    with pytest.raises(TextBreaksPolicy) as refused:
        submitted(broadcast, agent)
    assert refused.value.rule == "max_length"
    assert "at most 40 characters; this text has 41 as X counts them" in str(refused.value)
    services.broadcast_update(broadcast=broadcast, by=agent, text="Read the notice: https://status.example.org/x")
    assert submitted(broadcast, agent).state == BroadcastState.SUBMITTED
    # On the status page the same rule counts plain characters.
    rule(channel="status", drafter_roles=["agent"], approver_roles=["manager"], max_length=10)
    with pytest.raises(TextBreaksPolicy, match=r"at most 10 characters; this text has 11\."):
        submitted(draft(text="eleven char"), agent)


def test_a_policy_changed_after_submission_stops_the_approval(draft, rule, agent, manager):
    broadcast = submitted(draft(text="We apologise for the inconvenience."), agent)
    rule(drafter_roles=["agent"], approver_roles=["manager"], banned_phrases="inconvenience")
    with pytest.raises(TextBreaksPolicy, match="bans the phrase “inconvenience”"):
        services.broadcast_approve(broadcast=broadcast, by=manager)
    broadcast.refresh_from_db()
    assert broadcast.state == BroadcastState.SUBMITTED
    assert not Approval.objects.exists()


# --- Rejection, resubmission, withdrawal, records ---


def test_a_rejection_needs_a_reason_and_a_resubmission_starts_a_new_round(draft, rule, agent, manager, second_manager):
    rule(drafter_roles=["agent"], approver_roles=["manager"], approvals_needed=2)
    broadcast = submitted(draft(), agent)
    services.broadcast_approve(broadcast=broadcast, by=manager)
    with pytest.raises(ValidationError):
        services.broadcast_reject(broadcast=broadcast, by=second_manager, reason="  ")
    broadcast = services.broadcast_reject(broadcast=broadcast, by=second_manager, reason="Say which night.")
    assert broadcast.state == BroadcastState.REJECTED
    assert broadcast.rejection_reason == "Say which night."
    services.broadcast_update(broadcast=broadcast, by=agent, text="Mail is down for maintenance on Tuesday night.")
    submitted(broadcast, agent)
    # The first round's approval does not count for the new text.
    assert services.broadcast_approve(broadcast=broadcast, by=manager).state == BroadcastState.SUBMITTED
    assert services.broadcast_approve(broadcast=broadcast, by=second_manager).state == BroadcastState.APPROVED


def test_an_agent_cannot_reject(draft, agent, other_agent):
    broadcast = submitted(draft(), agent)
    with pytest.raises(NotAllowed):
        services.broadcast_reject(broadcast=broadcast, by=other_agent, reason="No")


def test_only_drafts_and_rejected_ones_are_edited(draft, agent):
    broadcast = submitted(draft(), agent)
    with pytest.raises(ValidationError, match="cannot be edited"):
        services.broadcast_update(broadcast=broadcast, by=agent, text="Changed")


def test_the_author_withdraws_a_scheduled_one(draft, agent, manager):
    from datetime import timedelta

    from django.utils import timezone

    broadcast = submitted(draft(scheduled_for=timezone.now() + timedelta(days=1)), agent)
    services.broadcast_approve(broadcast=broadcast, by=manager)
    broadcast = services.broadcast_withdraw(broadcast=broadcast, by=agent, reason="Postponed")
    assert broadcast.state == BroadcastState.WITHDRAWN
    assert services.broadcasts_publish_due(now=timezone.now() + timedelta(days=2)) == 0


def test_records_are_never_changed_or_deleted(draft):
    record = BroadcastRecord.objects.get(broadcast=draft(), kind=RecordKind.DRAFTED)
    with pytest.raises(PermissionDenied):
        record.save()
    with pytest.raises(PermissionDenied):
        record.delete()
    with pytest.raises(PermissionDenied):
        BroadcastRecord.objects.all().delete()


def test_input_is_checked(agent):
    with pytest.raises(ValidationError, match="not a kind"):
        services.broadcast_create(by=agent, kind="gossip", text="x", channels=["status"])
    with pytest.raises(ValidationError, match="Unknown channel: myspace"):
        services.broadcast_create(by=agent, kind="news", text="x", channels=["myspace"])
    with pytest.raises(ValidationError, match="at least one channel"):
        services.broadcast_create(by=agent, kind="news", text="x", channels=[])
    with pytest.raises(ValidationError, match="needs some text"):
        services.broadcast_create(by=agent, kind="news", text="  ", channels=["status"])


def test_an_inactive_agent_drafts_nothing(agent):
    agent.is_active = False
    agent.save()
    with pytest.raises(NotAllowed):
        services.broadcast_create(
            by=AgentFactory(username="gone", is_active=False), kind="news", text="x", channels=["status"]
        )
