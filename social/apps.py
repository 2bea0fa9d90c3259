from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "social"
    verbose_name = "Social channels"

    def ready(self):
        # Imported here, not at the top: they need every app's models, which are loaded only
        # once the registry is ready (Django's rule for AppConfig modules), not to dodge a cycle.
        from tickets.timeline import register_timeline_source

        from . import receivers  # noqa: F401
        from .selectors import timeline_source

        # The incident page shows the messages in and out beside the comments.
        register_timeline_source(timeline_source)
