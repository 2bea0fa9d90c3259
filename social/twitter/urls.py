"""Webhook URLs of this platform (mounted at /social/webhooks/twitter/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.webhook, name="twitter-webhook"),
]
