"""Webhook URLs of this platform (mounted at /social/webhooks/facebook/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.webhook, name="facebook-webhook"),
]
