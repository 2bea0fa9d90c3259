"""Deleted at the source: every copy of the words is redacted, the record that they existed
stays."""

from django.db import transaction

from tickets import services as tickets

from ..models import InboundEvent, MessageState, SocialMessage


def redact_message(message: SocialMessage) -> None:
    """Deleted at the source: the text goes from the message, its raw payload, the inbound
    event it came in, and the incident description or comment made from it."""
    with transaction.atomic():
        message = (
            SocialMessage.objects.select_for_update(of=("self",))
            .select_related("incident", "comment")
            .get(pk=message.pk)
        )
        if message.deleted:
            return
        message.text = ""
        message.raw = {"redacted": True}
        message.deleted = True
        message.save(update_fields=["text", "raw", "deleted"])
        if message.inbound_event_id:
            event = InboundEvent.objects.select_for_update().get(pk=message.inbound_event_id)
            event.payload = {**event.payload, "text": "", "raw": {"redacted": True}}
            event.save(update_fields=["payload"])
        if message.state == MessageState.NEW_INCIDENT and message.incident_id:
            tickets.incident_redact_source(incident=message.incident)
        elif message.comment_id:
            tickets.comment_redact_source(comment=message.comment)
