"""Who may see and do what. Pages and the API both ask here, so the rules are one set.

Agents and managers work every incident; a customer sees only incidents they reported,
and never an internal note.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from .models import Incident, Problem

WORK_PERMISSION = "tickets.work_incidents"
RAISE_PERMISSION = "tickets.raise_incidents"


def is_agent(user: User | AnonymousUser) -> bool:
    return user.is_active and user.has_perm(WORK_PERMISSION)


def is_customer(user: User | AnonymousUser) -> bool:
    return user.is_active and not is_agent(user) and user.has_perm(RAISE_PERMISSION)


def incidents_visible_to(user: User | AnonymousUser) -> QuerySet[Incident]:
    if is_agent(user):
        return Incident.objects.all()
    if is_customer(user):
        return Incident.objects.filter(reporter__user=user)
    return Incident.objects.none()


def problems_visible_to(user: User | AnonymousUser) -> QuerySet[Problem]:
    return Problem.objects.all() if is_agent(user) else Problem.objects.none()


def sees_internal_notes(user: User | AnonymousUser) -> bool:
    return is_agent(user)
