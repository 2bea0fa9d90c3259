from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    """The desk's judgement over what it hears: spikes, similar incidents, problem candidates."""

    name = "intelligence"
    verbose_name = "Problem intelligence"

    def ready(self):
        # Imported once the app registry is ready: receivers need every app's models.
        from .similarity import receivers  # noqa: F401
