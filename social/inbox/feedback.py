"""Feedback kept from intake (praise, thanks, chatter: `social.judgement`) turned into an
incident by an agent's click: the incident is opened as intake would have opened it, the
message becomes its first message, and the person is acknowledged on their channel."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tickets import services as tickets
from tickets.access import is_agent
from tickets.models import Incident

from .. import platforms
from ..acknowledgements import DEFAULT_ACKNOWLEDGEMENT, acknowledgement_fill
from ..events import ANSWER_KIND, Kind
from ..models import AcknowledgementTemplate, Direction, MessageState, SocialMessage
from ..outbox.queue import enqueue_sending
from .batch import title_from


def feedback_open_incident(*, message: SocialMessage, actor: User) -> Incident:
    """Open an incident from a message kept as feedback (once: a second click is refused)."""
    if not is_agent(actor):
        raise ValidationError("Only agents open incidents from feedback.")
    with transaction.atomic():
        message = (
            SocialMessage.objects.select_for_update(of=("self",)).select_related("identity__contact").get(pk=message.pk)
        )
        if message.state != MessageState.FEEDBACK or message.identity is None:
            raise ValidationError("This message is not feedback waiting for an incident.")
        contact = message.identity.contact
        platform = platforms.get(message.channel).name
        text = message.text + (f"\n\n{message.url}" if message.url else "")
        incident = tickets.incident_create(
            reporter=contact,
            title=title_from(message.text, fallback=f"Message from {contact.name} on {platform}"),
            description=tickets.fitted_text(text, model=Incident, field="description"),
            channel=message.channel,
            actor=actor,
            opened_at=message.created_at,
        )
        message.incident, message.state = incident, MessageState.NEW_INCIDENT
        message.state_reason = f"Kept as {message.intent or 'feedback'}; {actor.get_username()} opened an incident."
        message.save(update_fields=["incident", "state", "state_reason"])
        template = AcknowledgementTemplate.objects.filter(channel=message.channel).values_list("text", flat=True)
        acknowledgement = SocialMessage.objects.create(
            channel=message.channel,
            direction=Direction.OUTBOUND,
            kind=ANSWER_KIND.get(message.kind, Kind.REPLY),
            account_external_id=message.account_external_id,
            identity=message.identity,
            author_name="Service desk",
            text=acknowledgement_fill(
                template.first() or DEFAULT_ACKNOWLEDGEMENT, number=incident.number, name=contact.name
            ),
            in_reply_to=message.external_id,
            thread_key=message.thread_key,
            incident=incident,
            state=MessageState.QUEUED,
            next_attempt_at=timezone.now(),
            created_at=timezone.now(),
        )
        transaction.on_commit(lambda: enqueue_sending([acknowledgement.pk]), robust=True)
    return incident
