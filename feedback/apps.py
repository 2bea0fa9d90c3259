from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Feedback and satisfaction"

    def ready(self):
        # Imported here, not at the top: they need every app's models, which are loaded only
        # once the registry is ready (Django's rule for AppConfig modules), not to dodge a cycle.
        from social.signals import inbound_messages_stored, reply_on_resolved_incident
        from tickets.signals import changed

        from .receivers import score_changed_tickets, score_stored_messages, take_survey_answers

        inbound_messages_stored.connect(score_stored_messages, dispatch_uid="feedback.score_stored_messages")
        # What people write through tickets (portal, API, e-mail): tickets announces what it
        # created, so it needs no knowledge of feedback.
        changed.connect(score_changed_tickets, dispatch_uid="feedback.score_changed_tickets")
        reply_on_resolved_incident.connect(take_survey_answers, dispatch_uid="feedback.take_survey_answers")
