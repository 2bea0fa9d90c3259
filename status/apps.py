from django.apps import AppConfig


class StatusConfig(AppConfig):
    """The public status page (/status/): each service's state derived from incidents,
    problems and changes, public updates from broadcasts, feeds and e-mail subscriptions."""

    name = "status"
    verbose_name = "Status page"

    def ready(self):
        from broadcasts.changes import changes_moved
        from tickets.signals import changed

        from . import receivers

        changed.connect(receivers.tickets_changed, dispatch_uid="status.tickets_changed")
        changes_moved.connect(receivers.tickets_changed, dispatch_uid="status.changes_moved")
