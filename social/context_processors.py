from django.utils.functional import SimpleLazyObject

from .access import sees_account_alerts
from .selectors import accounts_with_token_errors


def account_alerts(request):
    """The accounts whose token a platform refused, for the banner of staff and managers.

    Lazy: the one query runs only when a page draws the banner, and only for those who see
    it (their permissions are already cached by the role check of `tickets`)."""
    user = getattr(request, "user", None)
    if user is None or not sees_account_alerts(user):
        return {"social_account_alerts": ()}
    return {"social_account_alerts": SimpleLazyObject(accounts_with_token_errors)}
