from django.apps import AppConfig


class ListeningConfig(AppConfig):
    """Listening (issue 12 §1): the desk hears what is said about IT without being addressed,
    on the platforms that can (`social.platforms`' `Capabilities.listening`), under queries the
    managers define; agents make a heard post an incident."""

    name = "listening"
    verbose_name = "Listening"

    def ready(self):
        from tickets.signals import demo_data_loaded

        from . import demo

        demo_data_loaded.connect(demo.load, dispatch_uid="listening.demo")
