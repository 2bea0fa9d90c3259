from django.urls import path

from . import views

app_name = "social"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("events/replay/", views.events_replay, name="events_replay"),
    path("messages/<int:pk>/retry/", views.message_retry, name="message_retry"),
    path("messages/<int:pk>/open-incident/", views.message_open_incident, name="message_open_incident"),
    # Each platform's webhook (social.platforms: those that declare one).
    path("webhooks/<slug:channel>/", views.webhook, name="webhook"),
]
