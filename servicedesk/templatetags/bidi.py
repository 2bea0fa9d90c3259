"""`{{ incident.title|bidi }}` and `{{ name|bidi_plain }}`: built into every template (the
TEMPLATES "builtins" option), for every user-given name and title (servicedesk.text)."""

from django import template

from servicedesk.text import show_bidi, show_bidi_plain

register = template.Library()
register.filter("bidi", show_bidi, is_safe=False)
register.filter("bidi_plain", show_bidi_plain, is_safe=False)
