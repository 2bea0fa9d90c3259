"""Repeated failed logins lock the account, and, at a higher count, the address they come
from (django-axes, with its database handler: every failure is kept for the audit).

Axes compares one number of failures with one limit. An account is locked after
LOGIN_FAILURE_LIMIT failures in LOGIN_LOCKOUT_MINUTES; an address after
LOGIN_ADDRESS_FAILURE_LIMIT, higher because a whole office can share one (password
spraying tries a few passwords on many accounts from one address). The handler scales the
address's count to the account's limit so that axes' single comparison applies both.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import render


class AccountOrAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        attempts = AccessAttempt.objects.all()
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        by_account = _failures(attempts.filter(username=username)) if username else 0
        by_address = _failures(attempts.filter(ip_address=request.axes_ip_address))
        account_limit = settings.AXES_FAILURE_LIMIT
        # ≥ account_limit exactly when by_address ≥ LOGIN_ADDRESS_FAILURE_LIMIT.
        return max(by_account, by_address * account_limit // settings.LOGIN_ADDRESS_FAILURE_LIMIT)


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def lockout_response(request, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the desk's page, 429, and how long the pause lasts."""
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
