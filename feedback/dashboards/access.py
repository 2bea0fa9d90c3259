"""Who sees which figures: managers every one, agents their own (as assignee), nobody else any."""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from tickets.access import is_agent

DASHBOARDS_PERMISSION = "feedback.view_dashboards"


def is_manager(user: User | AnonymousUser) -> bool:
    return user.is_active and user.has_perm(DASHBOARDS_PERMISSION)


def figures_agent_scope(user: User | AnonymousUser) -> int | None:
    """None: every figure (managers); an agent's id: only the figures of their incidents.
    Anybody else may see none."""
    if is_manager(user):
        return None
    if is_agent(user):
        return user.pk
    raise PermissionDenied("The dashboards are for managers and agents.")
