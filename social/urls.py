from django.urls import include, path

from . import views

app_name = "social"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("events/replay/", views.events_replay, name="events_replay"),
    path("messages/<int:pk>/retry/", views.message_retry, name="message_retry"),
    path("webhooks/twitter/", include("social.twitter.urls")),
    path("webhooks/facebook/", include("social.facebook.urls")),
]
