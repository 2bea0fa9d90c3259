from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    """The desk's judgement over what it hears: spikes, similar incidents, problem candidates."""

    name = "intelligence"
    verbose_name = "Problem intelligence"
