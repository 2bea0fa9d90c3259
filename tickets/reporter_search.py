"""Finding the person an agent raises an incident for, as they type: by name, e-mail, portal
login, or what other apps know them by (social: a handle, `contact_sources`' finders)."""

from django.db.models import Case, IntegerField, Q, Value, When

from .contact_sources import ContactIdentity, contact_ids_found_elsewhere, identities_of
from .models import Contact

REPORTERS_SHOWN = 8
# One letter matches half the desk; two say something.
MIN_QUERY_CHARS = 2
QUERY_CHARS = 200


def _named(q: str) -> Q | None:
    q = q.strip()[:QUERY_CHARS]
    bare = q.lstrip("@").strip()
    if len(bare) < MIN_QUERY_CHARS:
        return None
    named = Q(name__icontains=q) | Q(email__icontains=q) | Q(user__username__iexact=bare)
    for found in contact_ids_found_elsewhere(q=bare):
        named |= Q(pk__in=found)
    return named


def reporter_choices(*, q: str, chosen_id: int | None = None, limit: int = REPORTERS_SHOWN) -> list[Contact]:
    """The contacts to choose from: the one already chosen first (so a new search or a form
    shown again keeps it), then those `q` names, by name. Contacts merged away are not offered.
    One query, whatever the number of finders (each is a subquery)."""
    wanted = _named(q)
    if chosen_id is not None:
        wanted = Q(pk=chosen_id) if wanted is None else wanted | Q(pk=chosen_id)
    if wanted is None:
        return []
    chosen_first = Case(When(pk=chosen_id or 0, then=Value(0)), default=Value(1), output_field=IntegerField())
    return list(
        Contact.objects.filter(wanted, merged_into__isnull=True)
        .select_related("user")
        .order_by(chosen_first, "name", "id")[: limit + (chosen_id is not None)]
    )


def with_identities(contacts: list[Contact]) -> list[tuple[Contact, list[ContactIdentity]]]:
    """Each contact with where it is met, so two people of one name are told apart (a query
    per identity source)."""
    identities = identities_of(contact_ids=[c.pk for c in contacts])
    return [(contact, identities.get(contact.pk, [])) for contact in contacts]


def reporter_get(*, pk: int) -> Contact:
    """The contact an agent chose; one merged away since is its survivor."""
    contact = Contact.objects.get(pk=pk)
    seen = set()
    while contact.merged_into_id is not None and contact.pk not in seen:
        seen.add(contact.pk)
        contact = Contact.objects.get(pk=contact.merged_into_id)
    return contact
