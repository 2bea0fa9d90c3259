"""Who may call which endpoint: the same rules as the pages, asked of `tickets.access`.

A role that may not use an endpoint at all gets 403; an object its role may not see is a
404 (the selectors answer that), so a guessed number tells nothing.
"""

from collections.abc import Iterable, Mapping

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from ..access import is_agent, is_customer


class HasRole(BasePermission):
    """Agents, managers and customers."""

    message = "Your account has no role on the service desk; ask an administrator for one."

    def has_permission(self, request, view) -> bool:
        return is_agent(request.user) or is_customer(request.user)


class IsAgent(BasePermission):
    """Agents and managers."""

    message = "Only service desk agents and managers may use this."

    def has_permission(self, request, view) -> bool:
        return is_agent(request.user)


def refuse_fields(data: object, *, known: Iterable[str], allowed: Iterable[str], who: str) -> None:
    """403 when `data` sets a known field that this role may not set (unknown ones are the
    input serializer's 400)."""
    if not isinstance(data, Mapping):
        return
    forbidden = sorted((set(data) & set(known)) - set(allowed))
    if forbidden:
        raise PermissionDenied(f"{who} cannot set {', '.join(forbidden)}.")
