"""`{% history_strip row.history %}`: a service's 90 days as coloured cells, drawn in Python.

Thirty services make 2,700 cells; as template nodes (a loop, three variables and a date
filter each) they were two thirds of the status page's render on a cache miss. A cell is the
same for every service on the same day in the same state, so each is formatted once."""

from functools import lru_cache

from django import template
from django.utils import translation
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def history_strip(days: list[dict]) -> SafeString:
    language = translation.get_language()
    return mark_safe("".join(_cell(entry["day"], entry["state"], language) for entry in days))  # noqa: S308 - cells are format_html's


@lru_cache(maxsize=4096)  # 90 days × 5 states, for a few days and languages
def _cell(day, state: str, language: str | None) -> SafeString:
    # `language` is part of the key: the month's name is the active language's.
    return format_html('<span class="day state-{}" title="{}: {}"></span>', state, date_format(day, "j M"), state)
