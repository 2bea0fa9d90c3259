"""Saved views of the triage queue: an agent keeps a set of filters under a name, for
themselves or shared with every agent."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from ..access import is_agent
from ..models import SavedView
from .common import _clean_text


def saved_view_create(*, owner: User, name: str, query: str, shared: bool = False) -> SavedView:
    """Keep the queue's filters (`query`, its URL parameters) under `name`. Agents only."""
    if not is_agent(owner):
        raise PermissionDenied("Only agents keep views of the queue.")
    name = _clean_text(name)
    if not name:
        raise ValidationError({"name": "Give the view a name."})
    view = SavedView(owner=owner, name=name, query=query.strip().lstrip("?"), shared=shared)
    view.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            view.save(force_insert=True)
    except IntegrityError:
        raise ValidationError({"name": f"You already have a view named “{name}”."}) from None
    return view


def saved_view_delete(*, view: SavedView, actor: User) -> None:
    """Only the view's owner removes it (a shared view too)."""
    if view.owner_id != actor.pk:
        raise PermissionDenied("Only the agent who saved this view can remove it.")
    SavedView.objects.filter(pk=view.pk).delete()
