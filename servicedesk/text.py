"""People's names and titles shown so that invisible direction controls cannot reorder them.

A title such as "Refund for invoice\u202egpj.exe" reads "Refund for invoiceexe.jpg": the
RIGHT-TO-LEFT OVERRIDE (U+202E) reverses what follows it, and, unisolated, the text around
it on the line. `show_bidi` makes each explicit direction control visible (a small
"U+202E" mark, its name in the tooltip) instead of obeying it, and wraps text that has them,
or right-to-left letters, in <bdi>, so a Hebrew or Arabic name keeps its own order without
pulling the number or the date beside it into it. Text with neither is returned escaped and
unchanged, so the pages' markup only changes where it must.

The left-to-right and right-to-left marks (U+200E, U+200F, U+061C) are left as they are:
people who write right-to-left type them, and inside <bdi> they reorder nothing outside.
"""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe

BIDI_CONTROLS = {
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
}
_CONTROLS = re.compile("[" + "".join(BIDI_CONTROLS) + "]")
# The controls, the marks, and the blocks of right-to-left scripts (Hebrew, Arabic, Syriac,
# Thaana, N'Ko, Samaritan, Mandaic, their presentation forms and historic scripts).
_NEEDS_ISOLATION = re.compile(
    "[" + "".join(BIDI_CONTROLS) + "\u200e\u200f\u061c\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def _mark(control: str) -> str:
    return format_html('<span class="bidi-control" title="{}">{}</span>', BIDI_CONTROLS[control], _code(control))


def _code(control: str) -> str:
    return f"U+{ord(control):04X}"


def show_bidi(value: object) -> SafeString:
    """HTML for a user-given name or title: escaped, direction controls shown, isolated."""
    text = "" if value is None else str(value)
    # Text already marked safe is HTML someone built on purpose: its pieces stay as they are.
    as_html = (lambda piece: piece) if isinstance(value, SafeData) else escape
    if not _NEEDS_ISOLATION.search(text):
        return mark_safe(as_html(text))  # noqa: S308 - escaped, or safe already
    pieces = _CONTROLS.split(text)
    controls = _CONTROLS.findall(text)
    html = as_html(pieces[0]) + "".join(_mark(c) + as_html(p) for c, p in zip(controls, pieces[1:], strict=True))
    return mark_safe(f"<bdi>{html}</bdi>")  # noqa: S308 - every piece is escaped, or was safe


def show_bidi_plain(value: object) -> str:
    """The same for places without markup (attributes, plain text): each control becomes
    the visible text "[U+202E]". Autoescaping still applies to the result."""
    text = "" if value is None else str(value)
    return _CONTROLS.sub(lambda match: f"[{_code(match.group())}]", text)
