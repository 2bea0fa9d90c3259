from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Outgoing webhooks: signed POSTs of the desk's changes to integrators' URLs."""

    name = "webhooks"
    verbose_name = "Outgoing webhooks"

    def ready(self):
        # Imported here, not at the top: receivers need every app's models, which are loaded
        # only once the registry is ready (Django's rule for AppConfig modules).
        from . import receivers  # noqa: F401
