from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "social"
    verbose_name = "Social channels"

    def ready(self):
        from tickets.timeline import register_timeline_source

        from . import receivers  # noqa: F401
        from .selectors import timeline_source

        # The incident page shows the messages in and out beside the comments.
        register_timeline_source(timeline_source)
