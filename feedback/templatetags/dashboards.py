"""`{% figure_cells row.cells %}`: one row of a dashboard's table, each figure a link to what it
counts. Written here rather than as a loop in the template because a computed page draws up to a
few thousand such cells (a table under every chart, the breakdown): the template engine's lookup,
localisation and escaping of three variables per cell cost more than all the page's figures."""

import json
from html import escape

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def figure_cells(cells: list[dict], *, previous_muted: bool = False) -> SafeString:
    """`<td>`s of `cells` (text, link, optional title), escaped as the template escapes; with
    `previous_muted`, every second cell (the previous period's) is muted."""
    html = []
    for index, cell in enumerate(cells):
        muted = " text-body-secondary" if previous_muted and index % 2 else ""
        title = f' title="{escape(cell["title"])}"' if cell.get("title") else ""
        html.append(
            f'<td class="text-end{muted}"><a href="{escape(cell["link"])}"{title}>{escape(cell["text"])}</a></td>'
        )
    return mark_safe("".join(html))  # noqa: S308 - every value escaped above


@register.filter
def charts_json_script(value, element_id: str) -> SafeString:
    """Django's `json_script`, the same bytes, with the three escapes made by `str.replace`: its
    `str.translate` over a mapping went through the charts' JSON (up to a quarter of a megabyte:
    every point carries its link) a character at a time: about 7 % of the 92-day page under the profiler."""
    escaped = json.dumps(value, cls=DjangoJSONEncoder).replace(">", "\\u003E").replace("<", "\\u003C")
    escaped = escaped.replace("&", "\\u0026")
    return format_html('<script id="{}" type="application/json">{}</script>', element_id, mark_safe(escaped))  # noqa: S308 - escaped as json_script escapes
