from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "social"
    verbose_name = "Social channels"

    def ready(self):
        # Imported here, not at the top: they need every app's models, which are loaded only
        # once the registry is ready (Django's rule for AppConfig modules), not to dodge a cycle.
        from tickets.contact_sources import register_contact_finder, register_identity_source, register_section_source
        from tickets.timeline import register_timeline_source

        from . import receivers  # noqa: F401
        from .selectors import contact_identities, contact_messages, contacts_by_handle, timeline_source

        # The incident page shows the messages in and out beside the comments.
        register_timeline_source(timeline_source)
        # The contact page and list show where a person is met and what they wrote.
        register_identity_source(contact_identities)
        register_section_source(contact_messages)
        # The new-incident form finds a person by their handle too.
        register_contact_finder(contacts_by_handle)
