"""The Social page (agents), the Replay of failed inbound events (managers), the Retry of a
failed outbound message (agents), and the platforms' webhooks. Each view parses the request,
calls one selector or service, and renders."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from servicedesk.redirects import back_to
from servicedesk.shortcuts import flash_form_errors, get_or_404, int_or_none
from tickets.decorators import agent_required

from . import platforms, selectors
from .access import may_replay_events
from .forms import InboxFilterForm, ReplayForm
from .inbox import replay as inbox_replay
from .inbox.feedback import feedback_open_incident
from .models import SocialMessage
from .outbox import queue as outbox_queue

INBOX_PAGE_SIZE = 50
FAILED_EVENTS_SHOWN = 20


@agent_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Recent messages in (or out), newest first, and the inbound events that failed."""
    filter_form = InboxFilterForm(request.GET)
    before = int_or_none(request.GET.get("before"))
    failed_events = selectors.inbound_events_failed(limit=FAILED_EVENTS_SHOWN + 1)
    return render(
        request,
        "social/inbox.html",
        {
            "filter_form": filter_form,
            "query": filter_form.query_string(),
            "page": selectors.inbox_messages(filters=filter_form.filters(), before=before, size=INBOX_PAGE_SIZE),
            "before": before,
            "failed_events": failed_events[:FAILED_EVENTS_SHOWN],
            "more_failed_events": len(failed_events) > FAILED_EVENTS_SHOWN,
            "may_replay": may_replay_events(request.user),
            "here": request.get_full_path(),
            "platform_names": [platform.name for platform in platforms.registered()],
        },
    )


@agent_required
@require_POST
def events_replay(request: HttpRequest) -> HttpResponse:
    """Put failed inbound events back to pending and process them again."""
    if not may_replay_events(request.user):
        raise PermissionDenied("Only managers and administrators may replay inbound events.")
    back = back_to(request, reverse("social:inbox"))
    form = ReplayForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(back)
    count = inbox_replay.events_replay(event_ids=form.cleaned_data["event_ids"])
    if count:
        messages.success(request, f"{count} event{'s' if count != 1 else ''} queued for processing again.")
    else:
        messages.warning(request, "Nothing to replay: those events are no longer failed.")
    return redirect(back)


@agent_required
@require_POST
def message_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a failed outbound message again. With htmx, the answer is the message redrawn
    (its timeline entry, or its row of the Social page with `partial=row`)."""
    message = get_or_404(selectors.message_get, pk=pk)
    error = ""
    try:
        if not selectors.is_retryable(message):
            raise ValidationError("Only an outbound message whose delivery failed can be retried.")
        outbox_queue.message_retry(message=message, actor=request.user)
    except ValidationError as failure:
        error = " ".join(failure.messages)
    message = get_or_404(selectors.message_get, pk=pk)
    if request.htmx:
        return _render_message(request, message, partial=request.POST.get("partial", ""), error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "The message is queued to be sent again.")
    return redirect(back_to(request, _message_home(message)))


@agent_required
@require_POST
def message_open_incident(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: a message kept as feedback (praise, thanks, chatter) becomes an incident."""
    message = get_or_404(selectors.message_get, pk=pk)
    try:
        incident = feedback_open_incident(message=message, actor=request.user)
    except ValidationError as failure:
        messages.error(request, " ".join(failure.messages))
        return redirect(back_to(request, reverse("social:inbox")))
    messages.success(request, f"{incident.number} opened from {message.author_name or 'the message'}'s words.")
    return redirect("incident_detail", incident.number)


def _message_home(message: SocialMessage) -> str:
    if message.incident_number:
        return reverse("incident_detail", args=[message.incident_number]) + f"#social-message-{message.pk}"
    return reverse("social:inbox")


def _render_message(request: HttpRequest, message: SocialMessage, *, partial: str, error: str) -> HttpResponse:
    context = {"retry_error": error, "retried": not error}
    if partial == "row":
        return render(request, "social/_inbox_row.html", {**context, "message": message})
    item = selectors.TimelineMessage(message=message, for_agent=True)
    return render(request, "social/_timeline_message.html", {**context, "item": item})


@csrf_exempt  # platforms sign or authenticate their deliveries; they send no CSRF token
def webhook(request: HttpRequest, channel: str) -> HttpResponse:
    """/social/webhooks/<channel>/: the platform's own webhook view (its handshake and its
    deliveries), for every platform that declares a webhook."""
    platform = platforms.find(channel)
    if platform is None or not platform.capabilities.webhook:
        raise Http404("No platform takes webhook deliveries at this address.")
    return platform.client.webhook(request)
