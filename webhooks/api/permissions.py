"""Who may manage webhooks: managers (the `webhooks.manage_webhooks` permission, which the
manager group holds)."""

from rest_framework.permissions import BasePermission


class ManagesWebhooks(BasePermission):
    message = "Only managers may manage webhooks."

    def has_permission(self, request, view) -> bool:
        return request.user.is_active and request.user.has_perm("webhooks.manage_webhooks")
