"""social's answers to tickets' signals (connected in SocialConfig.ready)."""

from django.dispatch import receiver

from tickets.signals import DELIVERY_PENDING, incident_merged, public_reply_created

from . import platforms, tasks
from .models import SocialMessage
from .outbox.queue import reply_create_for_comment
from .signals import inbound_messages_stored


@receiver(public_reply_created, dispatch_uid="social.reply_on_channel")
def send_public_reply_on_its_channel(sender, comment, **kwargs):
    """The reply goes out on the reporter's channel; until the platform has it, the reporter
    has not been answered (tickets keeps the response clock running)."""
    message = reply_create_for_comment(comment=comment)
    return DELIVERY_PENDING if message is not None else None


@receiver(incident_merged, dispatch_uid="social.follow_merged_incident")
def move_messages_to_the_survivor(sender, duplicate, survivor, **kwargs):
    """The duplicate's messages belong to the survivor now: replies to them thread there."""
    SocialMessage.objects.filter(incident=duplicate).update(incident=survivor)


@receiver(inbound_messages_stored, dispatch_uid="social.store_message_files")
def keep_the_files_messages_carry(sender, message_ids, **kwargs):
    """Files (an e-mail's attachments) are kept by a task of their own: storing one may be a
    network call, and intake must not wait for it."""
    channels = [platform.channel for platform in platforms.registered() if platform.capabilities.files]
    if not message_ids or not channels:
        return
    # Most batches hold no such message: they publish nothing (one query on their own ids).
    carrying = list(SocialMessage.objects.filter(pk__in=message_ids, channel__in=channels).values_list("pk", flat=True))
    if carrying:
        tasks.store_message_files.delay(message_ids=carrying)
