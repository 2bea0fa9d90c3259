"""The incident page's list of attachments, taken from its timeline (no query of its own)."""

from django import template

register = template.Library()


@register.filter
def attachments_in(timeline) -> list:
    """The attachments among a timeline's entries, in its order."""
    return [entry.item for entry in timeline if entry.kind == "attachment"]
