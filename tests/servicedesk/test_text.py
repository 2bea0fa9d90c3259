"""Direction controls in names and titles are shown, not obeyed; other text is untouched."""

import pytest
from django.template import engines
from django.utils.safestring import mark_safe

from servicedesk.text import show_bidi, show_bidi_plain


def test_plain_text_is_only_escaped():
    assert show_bidi("Printer <jams> & stops") == "Printer &lt;jams&gt; &amp; stops"


def test_an_override_is_shown_and_the_text_isolated():
    assert show_bidi("invoice\u202egpj.exe") == (
        '<bdi>invoice<span class="bidi-control" title="RIGHT-TO-LEFT OVERRIDE">U+202E</span>gpj.exe</bdi>'
    )


@pytest.mark.parametrize(
    "control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
)
def test_every_explicit_direction_control_is_shown(control):
    html = show_bidi(f"a{control}b")
    assert control not in html
    assert f"U+{ord(control):04X}" in html


def test_text_around_a_control_is_still_escaped():
    html = show_bidi("<b>\u202e<script>")
    assert "<b>" not in html and "<script>" not in html
    assert html.startswith("<bdi>&lt;b&gt;")


def test_right_to_left_names_keep_their_letters_and_are_isolated():
    assert show_bidi("שלום עולם") == "<bdi>שלום עולם</bdi>"
    assert show_bidi("مرحبا\u200f") == "<bdi>مرحبا\u200f</bdi>"  # a mark stays: people type them


def test_nothing_becomes_empty():
    assert show_bidi(None) == ""


def test_text_marked_safe_is_not_escaped_twice():
    assert show_bidi(mark_safe("R&amp;D\u202e")) == (
        '<bdi>R&amp;D<span class="bidi-control" title="RIGHT-TO-LEFT OVERRIDE">U+202E</span></bdi>'
    )


def test_the_plain_variant_spells_controls_out():
    assert show_bidi_plain("invoice\u202egpj.exe") == "invoice[U+202E]gpj.exe"
    assert show_bidi_plain("Ana") == "Ana"


def test_the_filters_are_in_every_template_without_loading_them():
    template = engines["django"].from_string("{{ title|bidi }} / {{ title|bidi_plain }}")
    assert template.render({"title": "a\u202eb<"}) == (
        '<bdi>a<span class="bidi-control" title="RIGHT-TO-LEFT OVERRIDE">U+202E</span>b&lt;</bdi> / a[U+202E]b&lt;'
    )
