"""`manage.py sentiment_rescore`: the history brought to the current model, with progress."""

from io import StringIO

import pytest
from django.core.management import call_command

from feedback.models import SentimentScore
from feedback.sentiment import model_version
from tickets import services as tickets

from ...factories import IncidentFactory
from ...social.factories import InboundMessageFactory
from ..test_rescore import old_score

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("sentiment_rescore", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_scores_the_never_scored_then_rescores_the_stale_and_says_so():
    unscored_message = InboundMessageFactory(text="down again")
    incident = IncidentFactory(description="Printer broken")  # older than the sweep's week would not matter
    tickets.comment_create(incident=incident, author=incident.reporter, body="any news?", visibility="public")
    stale = [old_score(message=InboundMessageFactory(text=f"awful {n}")) for n in range(3)]
    out, err = run("--batch-size", "2")
    assert f"Sentiment model {model_version()}" in out
    assert "Scored 3 unscored texts and rescored 3 scores" in out
    assert "Rescoring" in err and "Unscored messages" in err  # tqdm's bars, on stderr
    assert SentimentScore.objects.filter(message=unscored_message).exists()
    assert set(SentimentScore.objects.values_list("model_version", flat=True)) == {model_version()}
    assert SentimentScore.objects.count() == 6 and all(s.pk for s in stale)
    out, _ = run("--no-progress")  # again: nothing to do
    assert "Scored 0 unscored texts and rescored 0 scores" in out


def test_it_resumes_after_an_id():
    rows = [old_score(message=InboundMessageFactory(text=f"bad {n}")) for n in range(3)]
    out, _ = run("--after-id", str(rows[0].pk), "--no-progress")
    assert "rescored 2 scores" in out
    assert SentimentScore.objects.get(pk=rows[0].pk).model_version == "vader-3.3.2"
