"""The admin's view of failed logins (django-axes' pages) with an Unlock action."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages


@admin.action(description="Unlock: forget these failed logins", permissions=["delete"])
def unlock(modeladmin, request, queryset) -> None:
    """Locks are counted from these rows; without them the accounts and addresses can log
    in at once. The failures stay in the access failure log for the audit."""
    described = [f"{attempt.username or '—'} from {attempt.ip_address or '—'}" for attempt in queryset]
    modeladmin.log_deletions(request, queryset)
    queryset.delete()
    modeladmin.message_user(request, f"Unlocked: {', '.join(described)}.", messages.SUCCESS)


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    actions = [*AccessAttemptAdmin.actions, unlock]
