"""A post the desk heard without being addressed (listening) made an incident by an agent.

The post becomes what intake would have made of it had it been addressed to the desk: its
author a contact (found by their platform id, or new), the post the incident's inbound
message. So the agent's public reply on the incident answers the post on its platform through
the outbox (`social.outbox.queue.reply_create_for_comment`), as for any social incident; the
platform's own rules still apply there (X's self-serve tiers only allow replies to posts that
name the account, and the agent is told so on the incident).
"""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tickets import services as tickets
from tickets.models import Contact, Incident, Service

from .. import platforms
from ..events import ParsedEvent
from ..models import Direction, MessageState, SocialIdentity, SocialMessage
from .batch import title_from


def heard_post_adopt(*, event: ParsedEvent, actor: User, service: Service | None = None) -> Incident:
    """The incident of a heard post: the one it already belongs to (intake met it too, or an
    agent adopted it before), else a new one reported by its author. Inside a transaction."""
    existing = (
        SocialMessage.objects.select_for_update(of=("self",))
        .filter(channel=event.channel, external_id=event.external_id, direction=Direction.INBOUND)
        .select_related("incident")
        .first()
    )
    if existing is not None and existing.incident is not None:
        return existing.incident
    if not event.author_id:
        raise ValidationError("The author of this post is not known, so there is nobody to answer.")
    identity = _identity(event)
    platform = platforms.get(event.channel)
    incident = tickets.incident_create(
        reporter=identity.contact,
        title=title_from(event.text, fallback=f"Post by {identity.contact.name} on {platform.name}"),
        description=tickets.fitted_text(
            event.text + (f"\n\n{event.url}" if event.url else ""), model=Incident, field="description"
        ),
        channel=event.channel,
        service=service,
        actor=actor,
        opened_at=event.created_at,
    )
    reason = "Heard by listening; made an incident by an agent."
    if existing is not None:
        existing.incident = incident
        existing.identity = identity
        existing.state = MessageState.NEW_INCIDENT
        existing.state_reason = reason
        existing.save(update_fields=["incident", "identity", "state", "state_reason"])
        return incident
    SocialMessage.objects.create(
        channel=event.channel,
        direction=Direction.INBOUND,
        kind=event.kind,
        external_id=event.external_id,
        account_external_id=event.account_id,
        identity=identity,
        author_name=(event.author_handle or event.author_name)[:200],
        text=event.text,
        url=event.url[:500],
        in_reply_to=event.in_reply_to,
        thread_key=event.thread_key[:100],
        mentions_account=event.mentions_account,
        incident=incident,
        state=MessageState.NEW_INCIDENT,
        state_reason=reason,
        raw=event.raw,
        created_at=event.created_at or incident.opened_at,
    )
    return incident


def _identity(event: ParsedEvent) -> SocialIdentity:
    """The author's identity on the platform, with the contact it belongs to (a new one for
    somebody the desk never met)."""
    found = SocialIdentity.objects.filter(channel=event.channel, external_id=event.author_id).select_related("contact")
    identity = found.first()
    if identity is not None:
        return identity
    try:
        with transaction.atomic():
            contact = Contact.objects.create(name=(event.author_name or event.author_handle or event.author_id)[:200])
            return SocialIdentity.objects.create(
                channel=event.channel,
                external_id=event.author_id,
                handle=event.author_handle[:100],
                display_name=event.author_name[:200],
                contact=contact,
            )
    except IntegrityError:  # intake met the same person at the same moment
        return found.get()
