"""The agents' and managers' pages: broadcasts listed, drafted (from scratch or “broadcast
this” from an incident, problem or change), submitted, approved or rejected; the policy
edited by managers. Each view parses, calls one service, renders; the policy's refusal is
shown with the rule it names."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tickets.decorators import agent_required
from tickets.models import Incident, Problem

from . import policy, prefill, selectors, services
from .forms import BroadcastForm, PolicyForm, RejectForm
from .models import EDITABLE_STATES, STATUS_CHANNEL, Broadcast, BroadcastKind, BroadcastPolicy, BroadcastState, Change

LIST_SIZE = 100


@agent_required
def broadcast_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    broadcasts = selectors.broadcast_list()
    if state in BroadcastState.values:
        broadcasts = broadcasts.filter(state=state)
    return render(
        request,
        "broadcasts/list.html",
        {"broadcasts": list(broadcasts[:LIST_SIZE]), "state": state, "states": BroadcastState.choices},
    )


def _source(request: HttpRequest) -> tuple[dict, dict]:
    """The initial words, and the links of the draft, from ?incident=, ?problem= or ?change=."""
    if number := request.GET.get("incident"):
        incident = Incident.objects.select_related("service").filter(number=number).first()
        if incident:
            services_ = [incident.service] if incident.service else []
            return {**prefill.from_incident(incident), "services": services_}, {"incident": incident}
    if number := request.GET.get("problem"):
        problem = Problem.objects.select_related("service").filter(number=number).first()
        if problem:
            services_ = [problem.service] if problem.service else []
            return {**prefill.from_problem(problem), "services": services_}, {"problem": problem}
    change_id = request.GET.get("change", "")
    if change_id.isdigit():
        change = Change.objects.prefetch_related("services").filter(pk=int(change_id)).first()
        if change:
            return {**prefill.from_change(change), "services": list(change.services.all())}, {"change": change}
    return {"kind": BroadcastKind.NEWS}, {}


@agent_required
def broadcast_create(request: HttpRequest) -> HttpResponse:
    initial, links = _source(request)
    initial.setdefault("channels", [STATUS_CHANNEL])
    form = BroadcastForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            broadcast = services.broadcast_create(
                by=request.user,
                kind=data["kind"],
                title=data["title"],
                text=data["text"],
                channels=data["channels"],
                services=data["services"],
                scheduled_for=data["scheduled_for"],
                **links,
            )
        except policy.PolicyRefusal as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Draft saved. Submit it for approval when it is ready.")
            return redirect("broadcasts:detail", broadcast.pk)
    return render(request, "broadcasts/form.html", {"form": form, "source": links})


@agent_required
def broadcast_edit(request: HttpRequest, pk: int) -> HttpResponse:
    broadcast = get_object_or_404(Broadcast, pk=pk)
    if broadcast.state not in EDITABLE_STATES:
        raise Http404("Only drafts and rejected broadcasts are edited.")
    initial = {
        "kind": broadcast.kind,
        "title": broadcast.title,
        "text": broadcast.text,
        "channels": broadcast.channels,
        "services": list(broadcast.services.all()),
        "scheduled_for": broadcast.scheduled_for,
    }
    form = BroadcastForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.broadcast_update(
                broadcast=broadcast,
                by=request.user,
                kind=data["kind"],
                title=data["title"],
                text=data["text"],
                channels=data["channels"],
                services=data["services"],
                scheduled_for=data["scheduled_for"],
                clear_schedule=data["scheduled_for"] is None,
            )
        except policy.PolicyRefusal as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("broadcasts:detail", broadcast.pk)
    return render(request, "broadcasts/form.html", {"form": form, "broadcast": broadcast})


@agent_required
def broadcast_detail(request: HttpRequest, pk: int) -> HttpResponse:
    broadcast = selectors.broadcast_detail(pk=pk)
    if broadcast is None:
        raise Http404("No such broadcast.")
    rules = policy.rules_for(kind=broadcast.kind, channels=broadcast.channels)
    return render(
        request,
        "broadcasts/detail.html",
        {
            "broadcast": broadcast,
            "violations": policy.text_violations(text=broadcast.text, rules=rules),
            "wanted": policy.approvals_wanted(rules=rules),
            "editable": broadcast.state in EDITABLE_STATES,
            "reject_form": RejectForm(),
        },
    )


def _move(request: HttpRequest, pk: int, action) -> HttpResponse:
    broadcast = get_object_or_404(Broadcast, pk=pk)
    try:
        action(broadcast)
    except policy.PolicyRefusal as refusal:
        messages.error(request, refusal.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("broadcasts:detail", pk)


@agent_required
@require_POST
def broadcast_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, lambda b: services.broadcast_submit(broadcast=b, by=request.user))


@agent_required
@require_POST
def broadcast_approve(request: HttpRequest, pk: int) -> HttpResponse:
    note = request.POST.get("note", "")
    return _move(request, pk, lambda b: services.broadcast_approve(broadcast=b, by=request.user, note=note))


@agent_required
@require_POST
def broadcast_reject(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _move(request, pk, lambda b: services.broadcast_reject(broadcast=b, by=request.user, reason=reason))


@agent_required
@require_POST
def broadcast_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, lambda b: services.broadcast_withdraw(broadcast=b, by=request.user))


@permission_required("broadcasts.change_broadcastpolicy", raise_exception=True)
def policy_list(request: HttpRequest) -> HttpResponse:
    rules = BroadcastPolicy.objects.prefetch_related("drafters", "approvers").order_by("kind", "channel")
    return render(request, "broadcasts/policy_list.html", {"rules": rules})


@permission_required("broadcasts.change_broadcastpolicy", raise_exception=True)
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(BroadcastPolicy, pk=pk)
    fields = [
        "drafter_roles",
        "approver_roles",
        "approval_mode",
        "approvals_needed",
        "drafter_may_approve",
        "banned_phrases",
        "required_hashtags",
        "max_length",
    ]
    form = PolicyForm(request.POST or None, initial={name: getattr(rule, name) for name in fields})
    if request.method == "POST" and form.is_valid():
        services.policy_update(rule=rule, by=request.user, **form.cleaned_data)
        messages.success(request, f"The {rule} is saved; it applies from now on, approvals included.")
        return redirect("broadcasts:policy")
    return render(request, "broadcasts/policy_form.html", {"form": form, "rule": rule})
