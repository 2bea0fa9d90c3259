"""The status page's part of `manage.py demo_data` (idempotent): a history of 90 days with
two past outages told in broadcasts, a scheduled change, a published maintenance broadcast,
the VPN known error in public words, and a few people it answered on the portal (deflections:
the dashboards' deflection rate)."""

import uuid
from datetime import timedelta

from django.utils import timezone

from broadcasts import services as broadcasts
from broadcasts.changes import change_create
from broadcasts.models import Broadcast, Change
from social.events import Kind
from social.models import Direction, MessageState, SocialMessage
from tickets.models import Problem

from .models import PublicKnownError, ServiceState, StateChange
from .self_service import self_service_deflect
from .services import page_changed, state_changes_record


def load(sender, *, users: dict, services: dict, **kwargs) -> None:
    agent, manager = users["agent"], users["manager"]
    now = timezone.now()
    if not StateChange.objects.exists():
        past = [
            (services["Email"], now - timedelta(days=23, hours=3), timedelta(hours=3), ServiceState.MAJOR_OUTAGE),
            (services["VPN"], now - timedelta(days=51), timedelta(hours=20), ServiceState.DEGRADED),
            (services["Wi-Fi"], now - timedelta(days=8, hours=5), timedelta(hours=2), ServiceState.PARTIAL_OUTAGE),
        ]
        for service, start, length, state in past:
            StateChange.objects.create(
                service=service, state=state, previous="operational", at=start, notified_at=start
            )
            StateChange.objects.create(
                service=service, state="operational", previous=state, at=start + length, notified_at=start + length
            )
    if not Broadcast.objects.exists():
        _published(
            agent,
            manager,
            kind="outage",
            title="Email is down",
            text="Email cannot be sent or received. We are on it and will update here within 30 minutes.",
            services=[services["Email"]],
            at=now - timedelta(days=23, hours=3),
        )
        _published(
            agent,
            manager,
            kind="resolved",
            title="Email is back",
            text="Email works again; messages sent during the outage are being delivered now.",
            services=[services["Email"]],
            at=now - timedelta(days=23),
        )
        _published(
            agent,
            manager,
            kind="maintenance",
            title="Wi-Fi upgrade on Saturday",
            text="On Saturday from 08:00 to 10:00 the Wi-Fi in all offices is upgraded and will drop for a few "
            "minutes at a time. #ITStatus",
            services=[services["Wi-Fi"]],
            at=now - timedelta(hours=2),
        )
    if not Change.objects.exists():
        start = (now + timedelta(days=3)).replace(hour=20, minute=0, second=0, microsecond=0)
        change = change_create(
            by=agent,
            title="Email server upgrade",
            description="The mail servers move to the new version; mail is queued, not lost.",
            planned_start=start,
            planned_end=start + timedelta(hours=2),
            risk="medium",
            services=[services["Email"]],
        )
        announcement = broadcasts.broadcast_create(
            by=agent,
            kind="maintenance",
            title="Email upgrade",
            text=f"Email will be unavailable on {start:%A %d %B} from {start:%H:%M} to "
            f"{start + timedelta(hours=2):%H:%M} UTC while the servers are upgraded. #ITStatus",
            channels=["twitter", "facebook", "status"],
            services=[services["Email"]],
            change=change,
            scheduled_for=start - timedelta(days=1),
        )
        # Approved, and published on X, Facebook and here the day before.
        broadcasts.broadcast_submit(broadcast=announcement, by=agent)
        broadcasts.broadcast_approve(broadcast=announcement, by=manager)
    vpn_problem = Problem.objects.filter(title="VPN concentrator drops sessions under load").first()
    if vpn_problem is not None:
        PublicKnownError.objects.get_or_create(
            problem=vpn_problem,
            defaults={
                "title": "VPN disconnects during busy hours",
                "description": "At busy times the VPN may disconnect. We are replacing the equipment at fault.",
                "workaround": "Reconnect, or choose the backup gateway vpn2.example.com in the VPN client.",
                # The simulator's VPN complaints are acknowledged with it.
                "in_acknowledgements": True,
            },
        )
    _public_answers(now)
    state_changes_record()
    page_changed()
    if vpn_problem is not None:
        _deflections(users, services, vpn_problem, now)


DEMO_ANSWERS = [
    ("twitter", 50, "We've restarted the VPN gateway in Building B: please reconnect, and tell us if it drops again."),
    ("facebook", 35, "Thanks for the heads-up! The Wi-Fi on floor 3 is back; the access point is replaced."),
    ("twitter", 12, "Good news: the print queue on floor 2 is cleared. Jobs sent since 9:00 are printing now."),
]


def _public_answers(now) -> None:
    """A few of the desk's public answers, sent, so the wall (/status/wall/) shows them beside
    the broadcasts (the simulator's own answers stay queued without credentials)."""
    if SocialMessage.objects.filter(direction=Direction.OUTBOUND, external_id__startswith="demo-wall-").exists():
        return
    for n, (channel, minutes, text) in enumerate(DEMO_ANSWERS):
        at = now - timedelta(minutes=minutes)
        SocialMessage.objects.create(
            channel=channel,
            direction=Direction.OUTBOUND,
            kind=Kind.REPLY if channel == "twitter" else Kind.COMMENT,
            external_id=f"demo-wall-{n}",
            account_external_id="demo",
            author_name="Service desk",
            text=text,
            state=MessageState.SENT,
            created_at=at,
            sent_at=at,
        )


# (who, days ago, what they typed, what solved it): the VPN known error, or the VPN's state.
DEMO_DEFLECTIONS = [
    ("alice", 19, "VPN keeps dropping\nEvery afternoon my VPN disconnects", "known_error"),
    ("bob", 11, "Cannot stay connected to the VPN\nIt drops when everybody is online", "known_error"),
    ("alice", 5, "VPN slow and disconnecting", "outage"),
    ("bob", 1, "VPN disconnected again during the meeting", "known_error"),
]


def _deflections(users: dict, services: dict, vpn_problem: Problem, now) -> None:
    """People who typed a VPN problem on the portal and found the answer there. The keys are
    fixed, so loading the demo again records nothing more."""
    known = PublicKnownError.objects.get(problem=vpn_problem)
    for n, (username, days, text, solved_by) in enumerate(DEMO_DEFLECTIONS):
        self_service_deflect(
            key=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-deflection-{n}"),
            text=text,
            user=users[username],
            known_error_id=known.pk if solved_by == "known_error" else None,
            outage_service_id=services["VPN"].pk if solved_by == "outage" else None,
            now=now - timedelta(days=days, hours=n),
        )


def _published(agent, manager, *, at, **fields) -> Broadcast:
    broadcast = broadcasts.broadcast_create(by=agent, channels=["status"], **fields)
    broadcasts.broadcast_submit(broadcast=broadcast, by=agent)
    broadcasts.broadcast_approve(broadcast=broadcast, by=manager)
    broadcasts.broadcast_publish(broadcast_id=broadcast.pk, now=at)
    # The demo's history is in the past: its record says when it was published.
    Broadcast.objects.filter(pk=broadcast.pk).update(created_at=at, submitted_at=at, approved_at=at)
    return broadcast
