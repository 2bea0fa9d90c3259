"""`{% portal_survey incident %}`: the portal's 1–5 choice on a resolved incident's page, while
its survey takes answers. A template tag, so the portal's page (tickets, which imports no other
app) shows feedback's survey without knowing of it."""

from django import template

from ..surveys.services import survey_portal_open
from ..surveys.views import AnswerForm

register = template.Library()


@register.inclusion_tag("feedback/_portal_survey.html", takes_context=True)
def portal_survey(context, incident) -> dict:
    request = context["request"]
    reporter_user_id = incident.reporter.user_id
    if reporter_user_id is None or reporter_user_id != request.user.pk:
        return {"survey": None}
    survey = survey_portal_open(incident=incident)
    initial = {"rating": survey.rating, "comment": ""} if survey else {}
    return {
        "survey": survey,
        "incident": incident,
        "form": AnswerForm(initial=initial),
        "csrf_token": context.get("csrf_token"),
    }
