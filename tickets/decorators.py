from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .access import is_agent, is_customer


def agent_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_agent(request.user):
            raise PermissionDenied("This page is for service desk agents.")
        return view(request, *args, **kwargs)

    return wrapper


def customer_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_customer(request.user):
            raise PermissionDenied("This page is for customers of the service desk.")
        return view(request, *args, **kwargs)

    return wrapper
