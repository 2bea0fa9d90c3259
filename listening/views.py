"""The Listening page (agents and managers), a heard post made an incident (agents), and the
listening queries (managers edit them; agents see them). Each view parses the request, calls
one selector or service, renders."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicedesk.redirects import back_to
from servicedesk.shortcuts import get_or_404, int_or_none, submit_form
from social import platforms
from tickets.decorators import agent_required

from . import selectors, services
from .forms import HeardFilterForm, QueryForm
from .listen import listening_accounts

PAGE_SIZE = 50


@agent_required
@require_GET
def message_list(request: HttpRequest) -> HttpResponse:
    form = HeardFilterForm(request.GET)
    before = int_or_none(request.GET.get("before"))
    return render(
        request,
        "listening/message_list.html",
        {
            "filter_form": form,
            "query": form.query_string(),
            "page": selectors.heard_page(filters=form.filters(), before=before, size=PAGE_SIZE),
            "before": before,
            "here": request.get_full_path(),
            "may_manage": services.may_manage_queries(request.user),
        },
    )


@agent_required
@require_POST
def message_convert(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a heard post an incident, then open it: the agent answers there, publicly on the
    post's platform or privately."""
    message = get_or_404(selectors.heard_get, pk=pk)
    already = message.incident
    try:
        incident = services.heard_message_convert(message=message, actor=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect(back_to(request, reverse("listening:message_list")))
    if already is not None:
        messages.info(request, f"This post is already {incident.number}.")
    else:
        platform = platforms.get(message.channel).name
        messages.success(
            request, f"{incident.number} opened from the post on {platform}. A public reply here answers it there."
        )
    return redirect("incident_detail", number=incident.number)


@agent_required
@require_GET
def query_list(request: HttpRequest) -> HttpResponse:
    states = {state.account_id: state for state in selectors.account_states()}
    accounts = [
        {"account": account, "platform": platforms.get(account.channel), "state": states.get(account.pk)}
        for account in listening_accounts()
    ]
    return render(
        request,
        "listening/query_list.html",
        {
            "queries": selectors.query_list(),
            "accounts": accounts,
            "may_manage": services.may_manage_queries(request.user),
            "platforms_without_search": [
                p.name for p in platforms.registered() if p.capabilities.listening and not p.capabilities.keyword_search
            ],
        },
    )


def _manager(request: HttpRequest) -> None:
    if not services.may_manage_queries(request.user):
        raise PermissionDenied("Only managers may change what the desk listens for.")


@agent_required
@require_http_methods(["GET", "POST"])
def query_create(request: HttpRequest) -> HttpResponse:
    _manager(request)
    form = QueryForm(request.POST or None)
    if request.method == "POST":
        done = submit_form(
            request,
            form,
            lambda data: services.query_create(actor=request.user, **data),
            success=lambda query: f"Listening for “{query.name}”.",
            redirect_to=reverse("listening:query_list"),
        )
        if done:
            return done
    return render(request, "listening/query_form.html", {"form": form}, status=400 if form.is_bound else 200)


@agent_required
@require_http_methods(["GET", "POST"])
def query_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    query = get_or_404(selectors.query_get, pk=pk)
    form = QueryForm(request.POST) if request.method == "POST" else QueryForm.for_query(query)
    if request.method == "POST":
        done = submit_form(
            request,
            form,
            lambda data: services.query_update(query=query, actor=request.user, **data),
            success=lambda query: f"“{query.name}” saved.",
            redirect_to=reverse("listening:query_list"),
        )
        if done:
            return done
    return render(
        request, "listening/query_form.html", {"form": form, "query": query}, status=400 if form.is_bound else 200
    )


@agent_required
@require_POST
def query_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    query = get_or_404(selectors.query_get, pk=pk)
    services.query_delete(query=query, actor=request.user)
    messages.success(request, f"No longer listening for “{query.name}”; what it heard is kept.")
    return redirect("listening:query_list")
