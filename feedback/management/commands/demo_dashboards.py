"""Eight weeks of desk history for the dashboards (idempotent; `make run` loads it after demo_data).

Incidents are opened through the services and then placed in the past (their times moved
back, as an import would), answered and resolved at realistic speeds, a few late; people's
messages about them are written on X and Facebook in the words customers use, scored by the
desk's sentiment model, with a bad week for the VPN three weeks ago. The rollups are then
rebuilt, so the dashboards show all of it at first sight.
"""

import random
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from social.models import Direction, MessageState, SocialMessage
from tickets import services
from tickets.models import Channel, Contact, Incident, IncidentStatus, Service, SlaTarget

from ...models import SentimentScore
from ...rollups.refresh import rollups_rebuild
from ...services import sentiment_score_messages
from ...surveys.models import DEFAULT_QUESTION, PORTAL, Survey, SurveyState

DAYS = 56
PER_DAY = (3, 9)
MARK = "[history]"  # in the descriptions of the incidents this command made: loaded once
COMPLAINTS = [
    "VPN dropped again in the middle of a call, this is the third time today",
    "Still no answer about my laptop, really disappointed",
    "Thanks… but it's still broken after the update",
    "Please help, I can't log in to email and have a deadline",
    "The Wi-Fi on floor 3 is useless today",
    "Waited two days for a reply. Not good enough.",
]
PRAISE = [
    "Thank you, it works perfectly now!",
    "Great support, fixed in ten minutes",
    "Printer is back, you are heroes",
    "Quick and friendly, much appreciated",
]
NEUTRAL = [
    "Is there any update on my ticket?",
    "Sent you the screenshot by DM",
    "Which form do I use for a new account?",
]


class Command(BaseCommand):
    help = "Load eight weeks of history for the dashboards (idempotent)."

    def handle(self, *args, **options):
        if Incident.objects.filter(description__endswith=MARK).exists():
            self.stdout.write("Dashboard history already loaded.")
            return
        people = list(User.objects.filter(username__in=["agent", "agent2", "manager"]).order_by("username"))
        service_list = list(Service.objects.order_by("name"))
        if not people or not service_list:
            self.stderr.write("Run demo_data first: the history needs its agents and services.")
            return
        made = self._history(people, service_list)
        rollups_rebuild()
        self.stdout.write(f"Dashboard history: {made} incidents and their messages over {DAYS} days; rollups rebuilt.")

    @transaction.atomic
    def _history(self, people, service_list) -> int:
        rng = random.Random(2026)
        now = timezone.now()
        targets = {t.priority: t for t in SlaTarget.objects.all()}
        reporters = [Contact.objects.get_or_create(name=f"Demo reporter {n}", user=None)[0] for n in range(12)]
        vpn = next((s for s in service_list if s.name.upper().startswith("VPN")), service_list[0])
        agents = [p for p in people if p.username != "manager"] * 4 + [None]  # a few stay unassigned
        made = 0
        messages = []
        for day in range(DAYS, 0, -1):
            bad_week = 21 >= day > 14  # the VPN's bad week
            for _ in range(rng.randint(*PER_DAY) + (4 if bad_week else 0)):
                service = vpn if bad_week and rng.random() < 0.6 else rng.choice(service_list)
                channel = rng.choices([Channel.WEB, Channel.API, "twitter", "facebook"], [4, 1, 3, 2])[0]
                opened = now - timedelta(days=day, minutes=rng.randint(0, 24 * 60 - 1))
                impact, urgency = rng.randint(1, 3), rng.randint(1, 3)
                assignee = rng.choice(agents)
                incident = services.incident_create(
                    reporter=rng.choice(reporters),
                    title=f"{service.name}: {rng.choice(['not working', 'slow', 'error on start', 'access denied'])}",
                    description=f"Reported on {opened:%d %b}. {MARK}",
                    service=service,
                    channel=channel,
                    impact=impact,
                    urgency=urgency,
                    assignee=assignee,
                    actor=None,
                    opened_at=opened,
                )
                self._progress(
                    incident, opened=opened, now=now, rng=rng, slow=bad_week and service == vpn, targets=targets
                )
                made += 1
                if channel in ("twitter", "facebook"):
                    messages += self._messages(incident, opened=opened, now=now, rng=rng, angry=bad_week)
        SocialMessage.objects.bulk_create(messages)
        self._surveys(rng, vpn)
        sentiment_score_messages(message_ids=[m.pk for m in messages])
        # Scores keep the time people wrote: the rollups count them on that day.
        assert SentimentScore.objects.filter(message__in=messages).count() == len(messages)
        return made

    def _surveys(self, rng, vpn) -> None:
        """Each resolved incident was asked an hour later; about half answered, the VPN's bad
        week worse than the others, so the satisfaction score and response rate show at once."""
        surveys = []
        resolved = Incident.objects.filter(description__endswith=MARK, resolved_at__isnull=False).order_by("pk")
        for incident in resolved.only("id", "number", "channel", "service_id", "resolved_at", "created_at"):
            sent = incident.resolved_at + timedelta(hours=1)
            bad = incident.service_id == vpn.pk and (timezone.now() - incident.created_at).days in range(14, 22)
            answered = rng.random() < (0.35 if bad else 0.5)
            rating = rng.choices([5, 4, 3, 2, 1], [15, 15, 15, 20, 35] if bad else [45, 27, 10, 7, 11])[0]
            surveys.append(
                Survey(
                    incident=incident,
                    medium=incident.channel if incident.channel in ("twitter", "facebook") else PORTAL,
                    state=SurveyState.SENT,
                    send_after=sent,
                    sent_at=sent,
                    expires_at=sent + timedelta(days=7),
                    question=DEFAULT_QUESTION.format(number=incident.number, name=""),
                    rating=rating if answered else None,
                    answered_at=sent + timedelta(hours=rng.randint(1, 30)) if answered else None,
                    created_at=sent,
                )
            )
        Survey.objects.bulk_create(surveys, ignore_conflicts=True)

    def _progress(self, incident, *, opened, now, rng, slow, targets) -> None:
        target = targets.get(incident.priority)
        response_due = opened + timedelta(minutes=target.response_minutes) if target else None
        resolution_due = opened + timedelta(minutes=target.resolution_minutes) if target else None
        times = {"created_at": opened, "updated_at": opened, "response_due_at": response_due}
        times["resolution_due_at"] = resolution_due
        age_hours = (now - opened).total_seconds() / 3600
        if incident.assignee_id and age_hours > 2:
            answered = opened + timedelta(minutes=rng.lognormvariate(4.0 if slow else 3.2, 0.8))
            if answered < now:
                times |= {"first_response_at": answered, "status": IncidentStatus.IN_PROGRESS, "updated_at": answered}
                resolved = answered + timedelta(hours=rng.lognormvariate(3.4 if slow else 2.4, 0.9))
                if resolved < now - timedelta(hours=1) and rng.random() < 0.9:
                    times |= {"resolved_at": resolved, "status": IncidentStatus.RESOLVED, "updated_at": resolved}
                    times["resolution"] = "Fixed and confirmed with the reporter."
                    if resolved < now - timedelta(days=7):
                        times |= {"status": IncidentStatus.CLOSED, "closed_at": resolved + timedelta(days=7)}
        times["response_breached"] = bool(
            response_due and (times.get("first_response_at") or now) > response_due and age_hours > 0
        )
        times["resolution_breached"] = bool(
            resolution_due and times.get("resolved_at", now) > resolution_due and resolution_due < now
        )
        Incident.objects.filter(pk=incident.pk).update(**times)

    def _messages(self, incident, *, opened, now, rng, angry) -> list[SocialMessage]:
        written = []
        for n in range(rng.randint(1, 3)):
            at = opened + timedelta(minutes=n * rng.randint(20, 300))
            if at >= now:
                break
            mood = rng.random()
            if angry:
                texts = COMPLAINTS if mood < 0.75 else NEUTRAL
            else:
                texts = COMPLAINTS if mood < 0.3 else PRAISE if mood < 0.65 else NEUTRAL
            channel = incident.channel
            written.append(
                SocialMessage(
                    channel=channel,
                    direction=Direction.INBOUND,
                    kind="mention" if channel == "twitter" else "comment",
                    external_id=f"demo-history-{incident.pk}-{n}",
                    account_external_id="demo",
                    author_name=incident.reporter.name,
                    text=f"@desk {rng.choice(texts)}",
                    thread_key=f"demo-history-{incident.pk}",
                    mentions_account=True,
                    incident=incident,
                    state=MessageState.NEW_INCIDENT if n == 0 else MessageState.JOINED,
                    created_at=at,
                )
            )
        return written
