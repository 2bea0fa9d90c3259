"""Webhook URLs of this platform (mounted at /social/webhooks/facebook/)."""

urlpatterns = []
