"""Transitional (see the package): the old outbox calls, sent as `tickets.signals`."""

from collections.abc import Iterable

from ..signals import Change, announce_change, announce_redaction


def record_events(*, event_type: Change, pks: Iterable[int]) -> None:
    announce_change(change=event_type, pks=pks)


def redact_payloads(*, replacement: str, incident_number: str = "", comment_id: int | None = None) -> None:
    announce_redaction(replacement=replacement, incident_number=incident_number, comment_id=comment_id)
