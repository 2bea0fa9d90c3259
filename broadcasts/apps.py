from django.apps import AppConfig


class BroadcastsConfig(AppConfig):
    """What the desk says of its own accord (outages, maintenance, news), under a policy
    managers keep as data, posted through `social`'s outbox and kept as a record."""

    name = "broadcasts"
    verbose_name = "Broadcasts"

    def ready(self):
        from social.signals import outbound_changed_at_source, outbound_message_sent

        from . import receivers

        outbound_message_sent.connect(receivers.message_sent, dispatch_uid="broadcasts.message_sent")
        outbound_changed_at_source.connect(receivers.message_changed, dispatch_uid="broadcasts.message_changed")
