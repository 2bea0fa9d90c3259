"""Problems → Candidates: groups of similar incidents to make a problem of, or dismiss."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from tickets.decorators import agent_required

from . import selectors, services
from .models import ProblemCandidate

PAGE_SIZE = 50


@agent_required
@require_GET
def candidate_list(request: HttpRequest) -> HttpResponse:
    candidates = list(selectors.candidate_list()[:PAGE_SIZE])
    return render(
        request,
        "candidates/candidate_list.html",
        {"candidates": candidates, "window_hours": settings.PROBLEM_CANDIDATE_WINDOW_HOURS},
    )


@agent_required
@require_POST
def candidate_accept(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(ProblemCandidate, pk=pk)
    try:
        problem = services.candidate_accept(
            candidate=candidate, actor=request.user, title=request.POST.get("title", "")[:200]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("candidates:candidate_list")
    messages.success(request, f"{problem.number} is made, with {problem.incidents.count()} incidents linked.")
    return redirect("problem_detail", number=problem.number)


@agent_required
@require_POST
def candidate_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(ProblemCandidate, pk=pk)
    try:
        services.candidate_dismiss(candidate=candidate, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Dismissed: these incidents will not be proposed together again.")
    return redirect("candidates:candidate_list")
