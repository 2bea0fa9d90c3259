"""The social-media policy, read: which rules apply to a broadcast, who they let draft and
approve, and what they ask of the text. Nothing here writes; `broadcasts.services` enforces
it, so pages, the API and workers are held to the same rules.

Every refusal names its rule ("the policy for outage on X: ..."), so whoever is refused
knows what to change or whom to ask.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User

from social import platforms

from .models import STATUS_CHANNEL, ApprovalMode, Broadcast, BroadcastPolicy, channel_label

# The default policy, for a desk with no rule at all (migration 0002 stores it as the
# (any kind, any channel) rule, which managers then edit).
DEFAULT_DRAFTER_ROLES = ["agent", "manager"]
DEFAULT_APPROVER_ROLES = ["manager"]


class PolicyRefusal(Exception):
    """Base of the two refusals: `rule` names it, `str()` says it in a sentence."""

    def __init__(self, message: str, *, rule: str):
        super().__init__(message)
        self.rule = rule
        self.message = message


class NotAllowed(PolicyRefusal):
    """The policy does not let this person do this (the API's 403)."""


class TextBreaksPolicy(PolicyRefusal):
    """The words break a rule: it cannot be submitted or approved until they change."""


@dataclass
class Rule:
    """A policy rule as the checks read it (a stored `BroadcastPolicy` or the default)."""

    scope: str
    drafter_roles: list[str]
    drafter_ids: set[int]
    approver_roles: list[str]
    approver_ids: set[int]
    approval_mode: str = ApprovalMode.COUNT
    approvals_needed: int = 1
    drafter_may_approve: bool = False
    banned: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    max_length: int | None = None
    channel: str = ""

    @classmethod
    def from_policy(cls, policy: BroadcastPolicy, channel: str) -> "Rule":
        return cls(
            scope=policy.scope,
            drafter_roles=list(policy.drafter_roles),
            drafter_ids={u.pk for u in policy.drafters.all()},
            approver_roles=list(policy.approver_roles),
            approver_ids={u.pk for u in policy.approvers.all()},
            approval_mode=policy.approval_mode,
            approvals_needed=max(policy.approvals_needed, 1),
            drafter_may_approve=policy.drafter_may_approve,
            banned=policy.banned_list,
            hashtags=policy.hashtag_list,
            max_length=policy.max_length,
            channel=channel,
        )

    @classmethod
    def default(cls, channel: str) -> "Rule":
        return cls(
            scope="any kind on any channel (the default policy)",
            drafter_roles=DEFAULT_DRAFTER_ROLES,
            drafter_ids=set(),
            approver_roles=DEFAULT_APPROVER_ROLES,
            approver_ids=set(),
            channel=channel,
        )

    @property
    def name(self) -> str:
        return f"the policy for {self.scope}"

    @property
    def sentence_start(self) -> str:
        return "The" + self.name[3:]

    def lets_draft(self, user: User) -> bool:
        return _in(user, self.drafter_roles, self.drafter_ids)

    def lets_approve(self, user: User) -> bool:
        if self.approval_mode == ApprovalMode.ALL:
            return user.is_active and user.pk in self.approver_ids
        return _in(user, self.approver_roles, self.approver_ids)


def _roles(user: User) -> set[str]:
    cached = getattr(user, "_broadcast_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._broadcast_roles = cached
    return cached


def _in(user: User | AnonymousUser, roles: Iterable[str], ids: set[int]) -> bool:
    if not user.is_active or not user.is_authenticated:
        return False
    return user.pk in ids or bool(_roles(user) & set(roles))


def rules_for(*, kind: str, channels: Iterable[str]) -> list[Rule]:
    """The rule of each channel: the most specific stored one, else the default. Two queries
    (the rules with their people), whatever the number of channels."""
    channels = list(dict.fromkeys(channels))
    stored = {
        (p.kind, p.channel): p
        for p in BroadcastPolicy.objects.filter(kind__in=[kind, ""], channel__in=[*channels, ""]).prefetch_related(
            "drafters", "approvers"
        )
    }
    rules = []
    for channel in channels:
        policy = next(
            (stored[key] for key in ((kind, channel), (kind, ""), ("", channel), ("", "")) if key in stored), None
        )
        rules.append(Rule.from_policy(policy, channel) if policy else Rule.default(channel))
    return rules


def check_may_draft(*, user: User, rules: list[Rule]) -> None:
    for rule in rules:
        if not rule.lets_draft(user):
            raise NotAllowed(
                f"Under {rule.name}, only {_who(rule.drafter_roles, rule.drafter_ids)} may draft "
                f"or submit broadcasts for {channel_label(rule.channel)}.",
                rule="drafter",
            )


def check_may_approve(*, user: User, broadcast: Broadcast, rules: list[Rule]) -> None:
    for rule in rules:
        if not rule.lets_approve(user):
            if rule.approval_mode == ApprovalMode.ALL:
                who = _who([], rule.approver_ids)
            else:
                who = _who(rule.approver_roles, rule.approver_ids)
            raise NotAllowed(
                f"Under {rule.name}, only {who} may approve broadcasts for {channel_label(rule.channel)}.",
                rule="approver",
            )
        if broadcast.created_by_id == user.pk and not rule.drafter_may_approve:
            raise NotAllowed(
                f"Under {rule.name}, whoever drafted a broadcast may not approve it: another approver must.",
                rule="four_eyes",
            )


def text_violations(*, text: str, rules: list[Rule]) -> list[TextBreaksPolicy]:
    """Every way the words break the rules, each naming its rule ([] when they keep them)."""
    found: list[TextBreaksPolicy] = []
    if not text.strip():
        found.append(TextBreaksPolicy("A broadcast needs some text.", rule="text_required"))
    for rule in rules:
        for phrase in rule.banned:
            if _contains_phrase(text, phrase):
                found.append(
                    TextBreaksPolicy(f"{rule.sentence_start} bans the phrase “{phrase}”.", rule="banned_phrase")
                )
        for tag in rule.hashtags:
            if not re.search(rf"(?<!\w){re.escape(tag)}(?!\w)", text, flags=re.IGNORECASE):
                found.append(
                    TextBreaksPolicy(f"{rule.sentence_start} requires the hashtag {tag}.", rule="required_hashtag")
                )
        if rule.max_length is not None:
            length = text_length(text, rule.channel)
            if length > rule.max_length:
                found.append(
                    TextBreaksPolicy(
                        f"{rule.sentence_start} allows at most {rule.max_length:,} characters; "
                        f"this text has {length:,}{_counted_how(rule.channel)}.",
                        rule="max_length",
                    )
                )
    return found


def check_text(*, text: str, rules: list[Rule]) -> None:
    violations = text_violations(text=text, rules=rules)
    if violations:
        raise violations[0]


def approvals_complete(*, rules: list[Rule], approver_ids: list[int]) -> bool:
    """Whether these approvals (this round's, by user id) satisfy every rule."""
    for rule in rules:
        if rule.approval_mode == ApprovalMode.ALL:
            if not rule.approver_ids <= set(approver_ids):
                return False
        elif len(set(approver_ids)) < rule.approvals_needed:
            return False
    return True


def approvals_wanted(*, rules: list[Rule]) -> str:
    """What approval the rules ask, in a sentence for the page."""
    needs = []
    for rule in rules:
        if rule.approval_mode == ApprovalMode.ALL:
            needs.append(f"every named approver ({len(rule.approver_ids)}) for {channel_label(rule.channel)}")
        else:
            count = rule.approvals_needed
            needs.append(f"{count} approval{'s' if count != 1 else ''} for {channel_label(rule.channel)}")
    return "; ".join(needs)


def text_length(text: str, channel: str) -> int:
    """Counted as the platform counts (X weighs links and wide characters), else characters."""
    if channel and channel != STATUS_CHANNEL:
        platform = platforms.find(channel)
        if platform is not None:
            return platform.length.of(text)
    return len(text)


def _counted_how(channel: str) -> str:
    if channel and channel != STATUS_CHANNEL:
        platform = platforms.find(channel)
        if platform is not None and platform.length.rule:
            return f" as {platform.name} counts them ({platform.length.rule})"
    return ""


def _contains_phrase(text: str, phrase: str) -> bool:
    # Whole words only: banning "ass" must not ban "class".
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(word) for word in phrase.split()) + r"(?!\w)"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def _who(roles: Iterable[str], ids: set[int]) -> str:
    names = [f"{role}s" for role in roles]
    if ids:
        users = User.objects.filter(pk__in=ids).order_by("username")
        names += [u.get_full_name() or u.username for u in users]
    if not names:
        return "nobody (no one is named)"
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]
