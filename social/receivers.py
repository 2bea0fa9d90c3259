"""social's answers to tickets' signals (connected in SocialConfig.ready)."""

from django.dispatch import receiver

from tickets.signals import public_reply_created

from .outbox.queue import reply_create_for_comment


@receiver(public_reply_created, dispatch_uid="social.reply_on_channel")
def send_public_reply_on_its_channel(sender, comment, **kwargs):
    reply_create_for_comment(comment=comment)
