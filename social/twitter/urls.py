"""Webhook URLs of this platform (mounted at /social/webhooks/twitter/)."""

urlpatterns = []
