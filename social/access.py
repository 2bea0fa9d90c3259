"""Who may do what on the social pages, beside `tickets.access` (agents work messages).

Replaying inbound events that failed processing is for managers and administrators: it
re-runs the pipeline on platform data, so it is a permission of its own,
`social.change_inboundevent`, which migration 0003 gives the manager group (superusers have
every permission). The same people, and staff, are told when a platform refuses a token.
"""

from django.contrib.auth.models import AnonymousUser, User

REPLAY_PERMISSION = "social.change_inboundevent"


def may_replay_events(user: User | AnonymousUser) -> bool:
    return user.is_active and user.has_perm(REPLAY_PERMISSION)


def sees_account_alerts(user: User | AnonymousUser) -> bool:
    return user.is_active and (user.is_staff or user.has_perm(REPLAY_PERMISSION))
