"""Deflections: a suggestion the desk had already published solved somebody's problem, and
they raised nothing. The status page's self-service (what is public, what matched) decides
what may be chosen; this records the choice, once per form."""

import uuid
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..access import is_agent
from ..models import Contact, Deflection, DeflectionChannel, DeflectionKind, Problem, Service
from .common import _clean_text


def deflection_record(
    *,
    key: uuid.UUID,
    kind: str,
    text: str,
    user: User | None,
    problem: Problem | None = None,
    service: Service | None = None,
    outage_state: str = "",
    channel: str = DeflectionChannel.PORTAL,
    now: datetime | None = None,
) -> tuple[Deflection, bool]:
    """Record that a known error (`problem`) or an outage (`service` in `outage_state`) solved
    it for `user` (None: somebody not signed in). Idempotent per `key`, the form's: a second
    call answers the first deflection and False, whatever it names."""
    if user is not None and is_agent(user):
        # The rate measures the people the desk serves; an agent trying the portal is not one.
        raise PermissionDenied("Agents raise incidents; deflections count the people the desk serves.")
    existing = Deflection.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    deflection = Deflection(
        key=key,
        kind=kind,
        channel=channel,
        problem=problem if kind == DeflectionKind.KNOWN_ERROR else None,
        # A known error's service by id: the problem is all the caller had to load.
        service_id=problem.service_id
        if kind == DeflectionKind.KNOWN_ERROR and problem
        else getattr(service, "pk", None),
        outage_state=outage_state if kind == DeflectionKind.OUTAGE else "",
        user=user,
        contact=Contact.objects.filter(user=user).first() if user is not None else None,
        text=_clean_text(text),
        created_at=now or timezone.now(),
    )
    if not deflection.text:
        raise ValidationError({"text": "Say what is wrong first: the deflection keeps what was typed."})
    if kind == DeflectionKind.KNOWN_ERROR and problem is None:
        raise ValidationError({"problem": "Name the known error that solved it."})
    if kind == DeflectionKind.OUTAGE and (service is None or not outage_state):
        raise ValidationError({"service": "Name the service whose outage explained it, with its state."})
    # The related rows were loaded by the caller (no query to check they exist); the key's
    # uniqueness is the insert's to enforce, against a racing double click.
    deflection.full_clean(
        exclude=["problem", "service", "user", "contact"], validate_unique=False, validate_constraints=False
    )
    try:
        with transaction.atomic():
            deflection.save(force_insert=True)
    except IntegrityError:
        # A double click racing this one saved first: its deflection is the one.
        return Deflection.objects.get(key=key), False
    return deflection, True
