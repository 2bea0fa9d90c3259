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
from servicedesk.shortcuts import get_or_404, int_or_none

from .. import selectors, services
from ..decorators import agent_required

CONTACT_PAGE_SIZE = 50


@agent_required
@require_GET
def contact_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    page = Paginator(selectors.contact_list(q=q), CONTACT_PAGE_SIZE).get_page(request.GET.get("page"))
    identities = selectors.contact_identities(contacts=list(page))
    rows = [(contact, identities.get(contact.pk, [])) for contact in page]
    return render(
        request, "tickets/contact_list.html", {"page": page, "rows": rows, "q": q, "query": urlencode({"q": q})}
    )


@agent_required
@require_GET
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A contact: where they are met (channel, handle, link), their incidents and messages."""
    page = get_or_404(selectors.contact_page, pk=pk)
    if page.contact.merged_into_id:
        return redirect("contact_detail", page.contact.merged_into_id)
    return render(request, "tickets/contact_detail.html", {"page": page, "contact": page.contact})


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
        return _merge_page(request, contacts, error=error)
    target = next(c for c in contacts if c.pk == keep)
    source = next(c for c in contacts if c.pk != keep)
    try:
        services.contact_merge(source=source, target=target, actor=request.user)
    except ValidationError as error:
        # The page has no form of its own to carry the reason: it is shown above the choice.
        return _merge_page(request, contacts, error=" ".join(error.messages))
    messages.success(request, f"{source.name} was merged into {target.name}.")
    return redirect(f"{reverse('contact_list')}?{urlencode({'q': target.name})}")


def _merge_page(request: HttpRequest, contacts: list, *, error: str | None) -> HttpResponse:
    identities = selectors.contact_identities(contacts=contacts)
    return render(
        request,
        "tickets/contact_merge.html",
        {"choices": [(c, identities.get(c.pk, [])) for c in contacts], "contacts": contacts, "error": error},
        status=400 if error else 200,
    )
