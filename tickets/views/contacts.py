"""Contacts: the list (search, pages) and merging two contacts into one."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from servicedesk.redirects import back_to
from servicedesk.shortcuts import int_or_none

from .. import selectors, services
from ..decorators import agent_required

CONTACT_PAGE_SIZE = 50


@agent_required
@require_GET
def contact_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    page = Paginator(selectors.contact_list(q=q), CONTACT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tickets/contact_list.html", {"page": page, "q": q, "query": urlencode({"q": q})})


@agent_required
@require_POST
def contact_merge(request: HttpRequest) -> HttpResponse:
    """Two steps: the list posts the two selected contacts and this page asks which one to
    keep; posting that choice (`keep`) merges the other into it."""
    ids = [i for i in (int_or_none(v) for v in request.POST.getlist("contacts")) if i]
    contacts = list(selectors.contact_list().filter(pk__in=ids))
    if len(set(ids)) != 2 or len(contacts) != 2:
        messages.error(request, "Select exactly two contacts to merge (contacts already merged cannot be chosen).")
        return redirect(back_to(request, reverse("contact_list")))
    keep = int_or_none(request.POST.get("keep"))
    if "keep" not in request.POST or keep not in ids:
        error = "Choose the contact to keep." if "keep" in request.POST else None
        return render(
            request, "tickets/contact_merge.html", {"contacts": contacts, "error": error}, status=400 if error else 200
        )
    target = next(c for c in contacts if c.pk == keep)
    source = next(c for c in contacts if c.pk != keep)
    try:
        services.contact_merge(source=source, target=target, actor=request.user)
    except ValidationError as error:
        # The page has no form of its own to carry the reason: it is shown above the choice.
        return render(
            request,
            "tickets/contact_merge.html",
            {"contacts": contacts, "error": " ".join(error.messages)},
            status=400,
        )
    messages.success(request, f"{source.name} was merged into {target.name}.")
    return redirect(f"{reverse('contact_list')}?{urlencode({'q': target.name})}")
