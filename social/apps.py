from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "social"
    verbose_name = "Social channels"

    def ready(self):
        from . import receivers  # noqa: F401
