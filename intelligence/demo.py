"""Demo judgement (`manage.py demo_data`): half an hour ago twenty-odd people started telling the
desk on X that the VPN keeps dropping, and a few thanked it for yesterday's e-mail fix. They go
through social intake as any mention does, so the pages show what the judgement makes of them
at first sight: the praise kept as feedback (the Social page, Intent: Praise), the VPN reports
as a problem candidate (Problems → Candidates) and, once the periodic spike run has judged the
last intervals against the weeks of history `demo_dashboards` writes, a spike banner leading
to those messages. Idempotent: a second run adds nothing.
"""

from datetime import timedelta

from django.utils import timezone

from social.events import SHARDS, Kind, ParsedEvent
from social.inbox.claim import process_pending
from social.inbox.store import inbound_store
from social.models import SocialMessage
from social.simulator import DEMO_X_HANDLE, PEOPLE, ensure_demo_accounts
from tickets.models import Incident
from tickets.services import incident_update

PREFIX = "demo-judgement-"
# The episode: reports spread over the last BURST_MINUTES, all in intervals the spike run
# judges at once (closed and settled).
BURST_MINUTES = (6, 36)

VPN_REPORTS = [
    "the VPN keeps disconnecting every few minutes",
    "VPN dropped again, can't reach the intranet",
    "is the VPN down? it disconnects every 5 minutes",
    "VPN disconnecting all morning, can't work from home",
    "my VPN connection drops every few minutes since 9",
    "the VPN keeps dropping, reconnects, drops again",
    "VPN down for anyone else? keeps disconnecting",
    "can't stay connected to the VPN for more than 5 minutes",
    "VPN disconnects constantly today, teams calls die with it",
    "the VPN drops every few minutes, is there an outage?",
    "remote access VPN keeps dropping the connection",
    "VPN disconnecting every couple of minutes, please help",
]
PRAISE = [
    "great job fixing the email outage so fast, thank you!",
    "brilliant work on the new laptops, thanks team",
    "the new wifi in building B is amazing",
    "love the new self-service portal",
]


def load(sender=None, **kwargs) -> int:
    """Store the episode's mentions and process them as intake does; the number stored."""
    if SocialMessage.objects.filter(external_id__startswith=PREFIX).exists():
        return 0
    x_account, _ = ensure_demo_accounts()
    # Spread evenly over the burst, more than a minute apart: each arrives in a minute of its own.
    first, last = BURST_MINUTES
    now = timezone.now()
    texts = [(f"vpn-{n}", VPN_REPORTS[n % len(VPN_REPORTS)]) for n in range(len(PEOPLE))]
    texts += [(f"praise-{n}", text) for n, text in enumerate(PRAISE)]
    spacing = (last - first) / len(texts)
    events = []
    for n, (key, text) in enumerate(texts):
        name, handle = PEOPLE[n % len(PEOPLE)]
        external_id = f"{PREFIX}{key}"
        events.append(
            ParsedEvent(
                channel=x_account.channel,
                account_id=x_account.external_id,
                external_id=external_id,
                kind=Kind.MENTION,
                author_id=f"{PREFIX}{handle}",
                author_handle=f"@{handle}",
                author_name=name,
                text=f"@{DEMO_X_HANDLE} {text}",
                created_at=now - timedelta(minutes=first + n * spacing),
                thread_key=external_id,
                mentions_account=True,
            )
        )
    inbound_store(events=events, source="demo")
    # Processed here rather than left to a worker: `make run` without a broker has none yet.
    for shard in range(SHARDS):
        while process_pending(shard=shard):
            pass
    _triage(services=kwargs.get("services") or {}, agent=(kwargs.get("users") or {}).get("agent"))
    return len(events)


def _triage(*, services: dict, agent) -> None:
    """The agent has set the VPN on the reports, as triage does: the queue's first page is a
    working desk's, not a flood of new incidents without a service (the praise stays feedback)."""
    vpn = services.get("VPN")
    if vpn is None or agent is None:
        return
    reports = Incident.objects.filter(
        social_messages__external_id__startswith=f"{PREFIX}vpn-", service__isnull=True
    ).distinct()
    for incident in reports:
        incident_update(incident=incident, actor=agent, service=vpn)
        # Triaged a few minutes after it came in, as on a real desk (the queue's "Updated"
        # times differ); the audit trail keeps the moment the demo was loaded, as
        # demo_data's own incidents do.
        triaged = min(incident.created_at + timedelta(minutes=2), timezone.now())
        Incident.objects.filter(pk=incident.pk).update(updated_at=triaged)
