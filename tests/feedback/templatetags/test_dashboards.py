"""The dashboards' fast paths write exactly what the template loop and `json_script` they
replace wrote, escaping included."""

from django.template import Context, Template
from django.utils.html import json_script

from feedback.templatetags.dashboards import charts_json_script, figure_cells

CELLS = [
    {"text": "1,204", "link": "/incidents/?status=&opened=2026-11-02..2026-11-08&channel=a%26b"},
    {"text": "<b>'8' & \"9\"</b>", "link": "/incidents/?x=\"'<>", "title": "Week of 5 Oct & <later>"},
    {"text": "–", "link": "/dashboards/messages/?since=2026-11-02"},
    {"text": "12.5 %", "link": "/x", "title": ""},
]
CHART_LOOP = Template(
    '{% for cell in cells %}<td class="text-end"><a href="{{ cell.link }}"{% if cell.title %} title="{{ cell.title }}"'
    "{% endif %}>{{ cell.text }}</a></td>{% endfor %}"
)
BREAKDOWN_LOOP = Template(
    '{% for cell in cells %}<td class="text-end{% if forloop.counter|divisibleby:2 %} text-body-secondary{% endif %}">'
    '<a href="{{ cell.link }}">{{ cell.text }}</a></td>{% endfor %}'
)


def test_it_writes_a_charts_row_as_the_template_did():
    assert figure_cells(CELLS) == CHART_LOOP.render(Context({"cells": CELLS}))


def test_it_writes_a_breakdowns_row_as_the_template_did():
    untitled = [{"text": c["text"], "link": c["link"]} for c in CELLS]
    assert figure_cells(untitled, previous_muted=True) == BREAKDOWN_LOOP.render(Context({"cells": untitled}))


def test_the_charts_json_is_json_script_byte_for_byte():
    value = [{"labels": ["Week of 5 Oct"], "links": ["/incidents/?a=1&b=2"], "label": "</script><b>é & ü</b>"}]
    assert charts_json_script(value, "dashboard-charts") == json_script(value, "dashboard-charts")
    assert "</script><b>" not in charts_json_script(value, "dashboard-charts").removesuffix("</script>")
