"""What other apps know about a contact, shown on the contact page and beside a contact's
name, without `tickets` importing them (as `tickets.timeline` does for an incident).

An app registers, usually in its `AppConfig.ready()`:

- an identity source, `source(*, contact_ids) -> {contact_id: [ContactIdentity, ...]}`: where
  each contact is met (social: their handles on X, Facebook...), one query for any number of
  contacts (the contact list shows the channel beside each name);
- a section source, `source(*, contact) -> ContactSection | None`: a block of the contact's
  page (social: their latest messages), a constant number of queries;
- a contact finder, `finder(*, q) -> QuerySet of contact ids`: the contacts that words typed
  into the new-incident form's reporter search name elsewhere (social: their handles), read
  as a subquery of the one search query.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db.models import QuerySet

from .models import Contact


@dataclass(frozen=True)
class ContactIdentity:
    channel: str  # the channel's id ("twitter")
    channel_name: str  # as people say it ("X")
    handle: str  # "@jess_codes", or "" where the platform has none
    name: str  # the name they go by there
    link: str = ""  # their profile, where the platform has a public one
    badge_class: str = "text-bg-secondary"


@dataclass(frozen=True)
class ContactSection:
    title: str
    template: str  # rendered with the section as `section`
    items: list[Any] = field(default_factory=list)
    more: bool = False  # there are more than the items shown


class IdentitySource(Protocol):
    def __call__(self, *, contact_ids: list[int]) -> dict[int, list[ContactIdentity]]: ...


class SectionSource(Protocol):
    def __call__(self, *, contact: Contact) -> ContactSection | None: ...


class ContactFinder(Protocol):
    def __call__(self, *, q: str) -> QuerySet: ...


_identity_sources: list[Callable[..., dict[int, list[ContactIdentity]]]] = []
_section_sources: list[Callable[..., ContactSection | None]] = []
_contact_finders: list[Callable[..., QuerySet]] = []


def register_identity_source(source: IdentitySource) -> IdentitySource:
    if source not in _identity_sources:
        _identity_sources.append(source)
    return source


def register_section_source(source: SectionSource) -> SectionSource:
    if source not in _section_sources:
        _section_sources.append(source)
    return source


def register_contact_finder(finder: ContactFinder) -> ContactFinder:
    if finder not in _contact_finders:
        _contact_finders.append(finder)
    return finder


def contact_ids_found_elsewhere(*, q: str) -> list[QuerySet]:
    """Each finder's subquery of the ids of the contacts `q` names (not yet run)."""
    return [finder(q=q) for finder in _contact_finders]


def identities_of(*, contact_ids: list[int]) -> dict[int, list[ContactIdentity]]:
    found: dict[int, list[ContactIdentity]] = {pk: [] for pk in contact_ids}
    if not contact_ids:
        return found
    for source in _identity_sources:
        for pk, identities in source(contact_ids=contact_ids).items():
            found.setdefault(pk, []).extend(identities)
    return found


def sections_of(*, contact: Contact) -> list[ContactSection]:
    return [section for source in _section_sources if (section := source(contact=contact)) is not None]
