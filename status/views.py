"""The public status page and its feeds: no login, nothing private, cached.

Pages are rendered once per version (bumped whenever a state is recorded or a broadcast
published) and kept in the cache for STATUS_CACHE_SECONDS, so a crowd reading the page
during an outage costs one render, not one each."""

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from broadcasts.models import Change, ChangeState
from servicedesk.shortcuts import submit_form
from tickets.decorators import agent_required
from tickets.forms import BootstrapForm
from tickets.models import Problem, Service

from . import feeds, services
from .models import PublicKnownError
from .selectors import page_context
from .state import upcoming_changes
from .wall import wall_items


def _cached(key: str, build, content_type: str) -> HttpResponse:
    version = cache.get(services.PAGE_VERSION_KEY, 0)
    cache_key = f"status:{key}:{version}"
    body = cache.get(cache_key)
    if body is None:
        body = build()
        cache.set(cache_key, body, settings.STATUS_CACHE_SECONDS)
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = f"public, max-age={settings.STATUS_CACHE_SECONDS}"
    return response


def status_page(request: HttpRequest) -> HttpResponse:
    def build() -> str:
        context = page_context()
        context["services"] = [row["status"].service for row in context["rows"]]
        return render_to_string("status/page.html", context)

    return _cached("page", build, "text/html; charset=utf-8")


def wall(request: HttpRequest) -> HttpResponse:
    """The desk's public words, newest first; the page polls `wall_items` to refresh itself."""
    return _cached(
        "wall",
        lambda: render_to_string("status/wall.html", {"items": wall_items(), "generated_at": timezone.now()}),
        "text/html; charset=utf-8",
    )


def wall_fragment(request: HttpRequest) -> HttpResponse:
    return _cached(
        "wall-items",
        lambda: render_to_string("status/_wall_items.html", {"items": wall_items(), "generated_at": timezone.now()}),
        "text/html; charset=utf-8",
    )


def feed(request: HttpRequest) -> HttpResponse:
    return _cached(
        "feed",
        lambda: feeds.atom(service=None, feed_url=reverse("status:feed"), page_url=reverse("status:page")),
        "application/atom+xml; charset=utf-8",
    )


def service_feed(request: HttpRequest, service_id: int) -> HttpResponse:
    service = get_object_or_404(Service, pk=service_id, active=True)
    return _cached(
        f"feed-{service.pk}",
        lambda: feeds.atom(
            service=service, feed_url=reverse("status:service_feed", args=[service.pk]), page_url=reverse("status:page")
        ),
        "application/atom+xml; charset=utf-8",
    )


def maintenance_ics(request: HttpRequest) -> HttpResponse:
    def build() -> bytes:
        since = timezone.now() - timezone.timedelta(days=30)
        changes = list(
            Change.objects.filter(planned_end__gte=since)
            .exclude(state=ChangeState.ROLLED_BACK)
            .prefetch_related("services")
            .order_by("planned_start")[:500]
        )
        return feeds.maintenance_calendar(changes=changes or upcoming_changes(), page_url=reverse("status:page"))

    return _cached("ics", build, "text/calendar; charset=utf-8")


@csrf_exempt  # the cached public page carries no token; subscribing only sends a confirmation
@require_POST
def subscribe(request: HttpRequest) -> HttpResponse:
    service = None
    if request.POST.get("service"):
        service = Service.objects.filter(pk=request.POST["service"], active=True).first()
    try:
        services.subscription_request(email=request.POST.get("email", ""), service=service)
    except ValidationError as error:
        return render(
            request, "status/message.html", {"title": "Not subscribed", "text": error.messages[0]}, status=400
        )
    text = "We sent you an e-mail: follow its link to confirm. Nothing is sent until you do."
    return render(request, "status/message.html", {"title": "Check your e-mail", "text": text})


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = services.subscription_confirm(token=token)
    except ValidationError as error:
        return render(request, "status/message.html", {"title": "Not confirmed", "text": error.messages[0]}, status=400)
    what = subscriber.service.name if subscriber.service else "every service"
    text = f"You will get an e-mail when the state of {what} changes. Each one has a link to stop them."
    return render(request, "status/message.html", {"title": "Subscribed", "text": text})


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs with no cookie and no token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":  # a link scanner's GET must not unsubscribe anyone
        return render(request, "status/unsubscribe.html", {"token": token})
    try:
        services.unsubscribe(token=token)
    except ValidationError as error:
        return render(request, "status/message.html", {"title": "Not found", "text": error.messages[0]}, status=400)
    return render(request, "status/message.html", {"title": "Unsubscribed", "text": "You will get no more e-mails."})


class PublicKnownErrorForm(BootstrapForm):
    title = forms.CharField(max_length=200, help_text="What people notice, in their words.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    workaround = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False)
    published = forms.BooleanField(required=False, label="Show it on the status page")
    in_acknowledgements = forms.BooleanField(
        required=False, label="Add it to the acknowledgement of matching new incidents (on social channels)"
    )


@agent_required
@require_http_methods(["GET", "POST"])
def known_error_public(request: HttpRequest, number: str) -> HttpResponse:
    """An agent marks a problem's known error public, in public words (never the internal text)."""
    problem = get_object_or_404(Problem, number=number)
    known = PublicKnownError.objects.filter(problem=problem).first()
    initial = (
        {
            "title": known.title,
            "description": known.description,
            "workaround": known.workaround,
            "published": known.published,
            "in_acknowledgements": known.in_acknowledgements,
        }
        if known
        else {"title": problem.title, "published": True}
    )
    form = PublicKnownErrorForm(request.POST or None, initial=initial)
    if request.method == "POST":
        response = submit_form(
            request,
            form,
            lambda data: services.public_known_error_save(problem=problem, by=request.user, **data),
            success=lambda saved: (
                "Saved: "
                + ("shown on the status page" if saved.published else "not shown on the status page")
                + (", and added to acknowledgements of matching incidents." if saved.in_acknowledgements else ".")
            ),
            redirect_to=lambda saved: reverse("problem_detail", args=[problem.number]),
        )
        if response:
            return response
    return render(
        request,
        "status/known_error_form.html",
        {"problem": problem, "form": form, "known": known},
        status=400 if form.errors else 200,
    )
