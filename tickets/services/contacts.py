"""Contacts: the person behind a portal login, merges, and following a merge to the survivor."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..events import Actor, contact_merged_event
from ..models import Comment, Contact, Event, Incident
from ..signals import Change, announce_change
from .common import _clean_text


def _surviving_contact(contact: Contact) -> Contact:
    """Follow merges to the contact that lives on."""
    seen = set()
    while contact.merged_into_id is not None and contact.pk not in seen:
        seen.add(contact.pk)
        contact = contact.merged_into
    return contact


def contact_for_user(*, user: User) -> Contact:
    """The contact behind a portal user, created on their first incident."""
    contact = Contact.objects.filter(user=user).first()
    if contact is not None:
        return contact
    contact, _ = Contact.objects.get_or_create(
        user=user,
        defaults={"name": user.get_full_name() or user.get_username(), "email": user.email},
    )
    return contact


def contact_create(*, name: str, email: str = "", user: User | None = None) -> Contact:
    contact = Contact(name=_clean_text(name), email=_clean_text(email), user=user)
    contact.full_clean()
    contact.save()
    return contact


def contact_merge(*, source: Contact, target: Contact, actor: Actor) -> Contact:
    """Fold `source` into `target`: its incidents and comments move, and it points at
    `target` from now on. Nothing is deleted; the trail of every moved incident says so."""
    if source.pk == target.pk:
        raise ValidationError({"target": "A contact cannot be merged into itself."})
    with transaction.atomic():
        source, target = (
            Contact.objects.select_for_update().get(pk=source.pk),
            Contact.objects.select_for_update().get(pk=target.pk),
        )
        if source.merged_into_id or target.merged_into_id:
            raise ValidationError({"source": "One of these contacts was already merged."})
        if source.user_id and target.user_id:
            raise ValidationError({"source": "Both contacts have a portal login; deactivate one of them first."})
        now = timezone.now()
        moved = list(Incident.objects.filter(reporter=source).values_list("pk", flat=True))
        Incident.objects.filter(pk__in=moved).update(reporter=target, updated_at=now)
        Comment.objects.filter(author_contact=source).update(author_contact=target)
        updates = ["merged_into"]
        if source.user_id:
            user = source.user
            source.user = None
            source.save(update_fields=["user"])  # free the one-to-one first
            target.user = user
            target.save(update_fields=["user"])
        if not target.email and source.email:
            target.email = source.email
            target.save(update_fields=["email"])
        source.merged_into = target
        source.save(update_fields=updates)
        Event.objects.bulk_create(
            contact_merged_event(incident=Incident(pk=pk), actor=actor, at=now, source=source, target=target)
            for pk in moved
        )
        announce_change(change=Change.INCIDENT_UPDATED, pks=moved)
    return target
