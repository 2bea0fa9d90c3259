from django.apps import AppConfig


class StatusConfig(AppConfig):
    """The public status page (/status/): each service's state derived from incidents,
    problems and changes, public updates from broadcasts, feeds and e-mail subscriptions."""

    name = "status"
    verbose_name = "Status page"

    def ready(self):
        from broadcasts.changes import changes_moved
        from broadcasts.services import broadcast_published
        from social.signals import acknowledgement_notes_wanted
        from tickets.signals import changed, demo_data_loaded

        from . import acknowledgements, demo, receivers

        demo_data_loaded.connect(demo.load, dispatch_uid="status.demo")
        changed.connect(receivers.tickets_changed, dispatch_uid="status.tickets_changed")
        changes_moved.connect(receivers.tickets_changed, dispatch_uid="status.changes_moved")
        changes_moved.connect(receivers.page_stale, dispatch_uid="status.changes_moved_page")
        broadcast_published.connect(receivers.page_stale, dispatch_uid="status.broadcast_published")
        acknowledgement_notes_wanted.connect(
            acknowledgements.acknowledgement_notes, dispatch_uid="status.acknowledgement_notes"
        )
