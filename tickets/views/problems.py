"""Problems and known errors: the list, the search an incident's page links with, creating
one (from the queue's selection or from nothing) and a problem's page with its forms."""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from servicedesk.shortcuts import get_or_404, int_or_none, submit_form

from .. import selectors, services
from ..decorators import agent_required
from ..forms import NoteForm, ProblemCreateForm, ProblemEditForm, ProblemIncidentsForm, ProblemTransitionForm
from ..models import Problem, ProblemStatus, Visibility

PROBLEM_PAGE_SIZE = 50
PROBLEM_STATUS_FILTERS = [("open", "Open"), *ProblemStatus.choices, ("", "All")]


@agent_required
@require_GET
def problem_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in dict(PROBLEM_STATUS_FILTERS):
        status = "open"
    q = request.GET.get("q", "")[:200]
    problems = selectors.problem_list_page(user=request.user, status=status, q=q)
    page = Paginator(problems, PROBLEM_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tickets/problem_list.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "status_filters": PROBLEM_STATUS_FILTERS,
            "query": urlencode({"status": status, "q": q}),
        },
    )


@agent_required
@require_GET
def problem_search(request: HttpRequest) -> HttpResponse:
    """Search-as-you-type for the problem to link an incident to (an htmx fragment)."""
    q = request.GET.get("q", "")[:200]
    return render(
        request,
        "tickets/_problem_search.html",
        {"problems": selectors.problem_search(user=request.user, q=q), "q": q},
    )


def _problem_page(problem: Problem) -> str:
    return reverse("problem_detail", args=[problem.number])


@agent_required
@require_POST
def problem_create(request: HttpRequest) -> HttpResponse:
    """Create a problem, from the queue's selection or from an incident. The selection
    arrives without a title: that first post only shows the form."""
    incident_ids = [i for i in (int_or_none(v) for v in request.POST.getlist("incidents")) if i]
    incidents = selectors.incidents_by_ids(user=request.user, ids=incident_ids)
    if "title" not in request.POST:
        first = incidents[0] if incidents else None
        form = ProblemCreateForm(
            initial={
                "incidents": [i.pk for i in incidents],
                "title": first.title if first else "",
                "service": first.service_id if first else None,
            }
        )
        return render(request, "tickets/problem_create.html", {"form": form, "incidents": incidents})
    form = ProblemCreateForm(request.POST)
    return submit_form(
        request,
        form,
        lambda data: services.problem_create(
            title=data["title"],
            description=data["description"],
            service=data["service"],
            assignee=data["assignee"],
            incidents=incidents,
            actor=request.user,
        ),
        success=lambda problem: f"{problem.number} created with {len(incidents)} linked incident(s).",
        redirect_to=_problem_page,
    ) or render(request, "tickets/problem_create.html", {"form": form, "incidents": incidents}, status=400)


@agent_required
@require_GET
def problem_new(request: HttpRequest) -> HttpResponse:
    return render(request, "tickets/problem_create.html", {"form": ProblemCreateForm(), "incidents": []})


def _render_problem(request: HttpRequest, problem: Problem, *, status: int = 200, **forms) -> HttpResponse:
    problem = selectors.problem_with_incidents(problem=problem)
    forms.setdefault(
        "edit_form",
        ProblemEditForm(
            initial={
                "title": problem.title,
                "description": problem.description,
                "service": problem.service_id,
                "assignee": problem.assignee_id,
                "root_cause": problem.root_cause,
                "workaround": problem.workaround,
            }
        ),
    )
    forms.setdefault("transition_form", ProblemTransitionForm(problem=problem))
    forms.setdefault("link_form", ProblemIncidentsForm())
    forms.setdefault("note_form", NoteForm())
    return render(
        request,
        "tickets/problem_detail.html",
        {"problem": problem, "timeline": selectors.problem_timeline(problem=problem), "now": timezone.now(), **forms},
        status=status,
    )


@agent_required
@require_GET
def problem_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _render_problem(request, get_or_404(selectors.problem_get, user=request.user, number=number))


@agent_required
@require_POST
def problem_update(request: HttpRequest, number: str) -> HttpResponse:
    problem = get_or_404(selectors.problem_get, user=request.user, number=number)
    form = ProblemEditForm(request.POST)
    return submit_form(
        request,
        form,
        lambda data: services.problem_update(problem=problem, actor=request.user, **data),
        success=f"{problem.number} saved.",
        redirect_to=_problem_page(problem),
    ) or _render_problem(request, problem, edit_form=form, status=400)


@agent_required
@require_POST
def problem_transition(request: HttpRequest, number: str) -> HttpResponse:
    problem = get_or_404(selectors.problem_get, user=request.user, number=number)
    form = ProblemTransitionForm(request.POST, problem=problem)
    return submit_form(
        request,
        form,
        lambda data: services.problem_transition(
            problem=problem,
            to_status=data["status"],
            resolve_incidents_note=data["resolve_incidents_note"],
            actor=request.user,
        ),
        success=lambda moved: f"{problem.number} is now {ProblemStatus(moved.status).label.lower()}.",
        redirect_to=_problem_page(problem),
    ) or _render_problem(request, problem, transition_form=form, status=400)


@agent_required
@require_POST
def problem_link(request: HttpRequest, number: str) -> HttpResponse:
    problem = get_or_404(selectors.problem_get, user=request.user, number=number)
    form = ProblemIncidentsForm(request.POST)

    def link(data: dict) -> list[str]:
        numbers = data["numbers"]
        incidents = list(selectors.incident_list(user=request.user, status=None).filter(number__in=numbers))
        missing = sorted(set(numbers) - {i.number for i in incidents})
        if missing:
            raise ValidationError({"numbers": f"No such incident: {', '.join(missing)}."})
        services.problem_link_incidents(problem=problem, incidents=incidents, actor=request.user)
        return numbers

    return submit_form(
        request,
        form,
        link,
        success=lambda numbers: f"Linked {', '.join(sorted(numbers))} to {problem.number}.",
        redirect_to=_problem_page(problem),
    ) or _render_problem(request, problem, link_form=form, status=400)


@agent_required
@require_POST
def problem_note(request: HttpRequest, number: str) -> HttpResponse:
    problem = get_or_404(selectors.problem_get, user=request.user, number=number)
    form = NoteForm(request.POST)
    return submit_form(
        request,
        form,
        lambda data: services.comment_create(
            problem=problem, body=data["body"], visibility=Visibility.INTERNAL, author=request.user
        ),
        success="Note added.",
        redirect_to=_problem_page(problem),
    ) or _render_problem(request, problem, note_form=form, status=400)
