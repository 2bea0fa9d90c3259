"""An open incident page's live side: its poll says the viewer is still there (and whether
they are replying), shows who else is, and, when the incident changed, redraws what
changed (its head, its SLA, its timeline) and says who changed what since the page was
drawn. The page's forms keep the version they were drawn from: a change from them after
someone else's is refused by the services (see console.py)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from servicedesk.shortcuts import get_or_404, int_or_none

from .. import collaboration, selectors, services
from ..access import is_agent
from ..decorators import agent_required


@agent_required
@require_GET
def incident_live(request: HttpRequest, number: str) -> HttpResponse:
    """Polled every INCIDENT_LIVE_POLL_SECONDS. `version` and `seen` are what the page was
    drawn from (its forms carry them), `polled` and `after` what the last poll saw; nothing
    changed since the last poll costs one query and a cache write."""
    incident = get_or_404(collaboration.incident_live, user=request.user, number=number)
    page_version = request.GET.get("version", "")
    page_seen = int_or_none(request.GET.get("seen")) or 0
    current = services.incident_version(incident)
    context = {
        "incident": incident,
        "version": page_version,
        "seen": page_seen,
        "polled": current,
        "after": incident.last_event_id,
        "others": collaboration.presence_refresh(
            incident_id=incident.pk,
            user=request.user,
            replying=request.GET.get("replying") == "1",
            page=request.GET.get("page", ""),
        ),
        "page_id": request.GET.get("page", ""),
        "live_poll_seconds": settings.INCIDENT_LIVE_POLL_SECONDS,
    }
    moved = current != request.GET.get("polled") or incident.last_event_id != int_or_none(request.GET.get("after"))
    if moved:
        context.update(
            {
                "redraw": True,
                "oob": True,
                "now": timezone.now(),
                "timeline": selectors.incident_timeline(incident=incident, user=request.user),
                "changes_since_page": (
                    collaboration.incident_changes_since(incident=incident, after_event_id=page_seen)
                    if current != page_version
                    else None
                ),
                # The head is drawn anew, and its "Assign to me" acts on what it shows.
                "head_version": current,
                "head_seen": incident.last_event_id,
            }
        )
    return render(request, "tickets/_incident_live_poll.html", context)


@require_POST
def incident_leave(request: HttpRequest, number: str) -> HttpResponse:
    """The page is closing (sent as a beacon): the others stop seeing its viewer.

    Not `agent_required`: a goodbye from someone no longer signed in as an agent (the session
    ended, or the role was taken away) was redirected to the login page, which the beacon
    followed and which handed the browser a fresh CSRF cookie in place of the one its next
    login form was drawn with; or refused with a 403 ("Forbidden (Permission denied)" in the log). Such a caller has
    nothing to say goodbye to (presence is kept by the agents' poll, and lapses on its own),
    so it is answered "204 No Content", having done nothing. The beacon never reads the
    answer. CSRF is checked as for any POST, before this view: a forged goodbye is refused."""
    if not is_agent(request.user):
        return HttpResponse(status=204)
    incident = get_or_404(selectors.incident_get_own_row, user=request.user, number=number)
    collaboration.presence_leave(incident_id=incident.pk, user=request.user, page=request.POST.get("page", ""))
    return HttpResponse(status=204)
