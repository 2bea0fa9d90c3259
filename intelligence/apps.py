from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    """The desk's judgement over what it hears: spikes, similar incidents, problem candidates."""

    name = "intelligence"
    verbose_name = "Problem intelligence"

    def ready(self):
        # Imported once the app registry is ready: receivers need every app's models.
        from django.conf import settings

        from social.judgement import register_judge
        from tickets.signals import demo_data_loaded

        from . import demo
        from .intent.verdicts import verdict
        from .routing import receivers as routing_receivers  # noqa: F401
        from .similarity import receivers  # noqa: F401

        # Praise, thanks and chatter on social channels open no incident (issue 12 §2).
        register_judge(verdict if settings.TRIAGE_INTENT else None)
        demo_data_loaded.connect(demo.load, dispatch_uid="intelligence.demo")
