"""The site's front door: everybody lands on the page of their role."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from tickets.access import is_agent, is_customer


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    # Managers land on their dashboards (the feedback app's permission, named, not imported).
    if request.user.is_active and request.user.has_perm("feedback.view_dashboards"):
        return redirect("/dashboards/")
    if is_agent(request.user):
        return redirect("incident_list")
    if is_customer(request.user):
        return redirect("portal_home")
    if request.user.is_authenticated:
        return render(request, "no_role.html", status=403)
    return redirect("login")
