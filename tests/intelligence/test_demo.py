"""The demo's judgement (`manage.py demo_data`, then `demo_dashboards` as `make run` does):
praise kept as feedback, the VPN reports proposed as a problem candidate, and a spike raised by
the first periodic run over them. Once only."""

import pytest
from django.core.management import call_command

from intelligence.candidates.models import ProblemCandidate
from intelligence.candidates.services import candidates_refresh
from intelligence.demo import PRAISE, PREFIX, VPN_REPORTS
from intelligence.spikes import selectors as spikes
from intelligence.spikes.live import spikes_detect
from social.models import MessageState, SocialMessage

pytestmark = pytest.mark.django_db


def test_the_demo_shows_praise_kept_a_candidate_and_a_spike(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the similarity index, as workers keep it
        call_command("demo_data", verbosity=0)
    episode = SocialMessage.objects.filter(external_id__startswith=PREFIX)
    kept = episode.filter(state=MessageState.FEEDBACK)
    assert kept.count() == len(PRAISE)
    assert set(kept.values_list("intent", flat=True)) <= {"praise", "thanks"}
    reports = episode.filter(external_id__contains="vpn-")
    assert reports.filter(state=MessageState.NEW_INCIDENT).count() == reports.count() > len(VPN_REPORTS)

    candidates_refresh()
    vpn = ProblemCandidate.objects.get(members__social_messages__external_id=f"{PREFIX}vpn-0")
    assert vpn.members.count() >= 3 and "vpn" in vpn.suggested_title.lower()
    assert "servicedesk_demo" not in vpn.top_terms

    call_command("demo_dashboards", verbosity=0)  # the weeks of history the detector learns from
    run = spikes_detect()
    assert run.alerts, "no spike raised over the demo's history"
    behind = {m.external_id for alert in run.alerts for m in spikes.alert_messages(alert=alert)}
    assert {m.external_id for m in reports} & behind

    call_command("demo_data", verbosity=0)
    assert SocialMessage.objects.filter(external_id__startswith=PREFIX).count() == episode.count()
