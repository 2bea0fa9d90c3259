"""Load demo data: services, people with known passwords, a few dozen incidents, two problems.

Idempotent: everything is found by a natural key first, and incidents are only created
while the demo reporters have fewer than the planned number; a second run adds nothing.
"""

import random
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from tickets import services
from tickets.models import (
    Category,
    Channel,
    Contact,
    Incident,
    IncidentStatus,
    Macro,
    Problem,
    SavedView,
    Service,
    SupportGroup,
)
from tickets.signals import demo_data_loaded

LOGINS_WARNING = "demo passwords: change them or delete these users before going live"

PEOPLE = [
    # username, password, first, last, role
    ("admin", "admin-demo-2026", "Ada", "Admin", None),
    ("agent", "agent-demo-2026", "Sam", "Agent", "agent"),
    ("agent2", "agent2-demo-2026", "Priya", "Patel", "agent"),
    ("manager", "manager-demo-2026", "Morgan", "Manager", "manager"),
    ("alice", "alice-demo-2026", "Alice", "Andrews", "customer"),
    ("bob", "bob-demo-2026", "Bob", "Brown", "customer"),
]

GROUPS = ["Service Desk", "Network", "Workplace", "Messaging"]
SERVICES = [
    ("Email", "Mailboxes, calendars, distribution lists.", "Messaging"),
    ("VPN", "Remote access to the internal network.", "Network"),
    ("Wi-Fi", "Wireless network in all offices.", "Network"),
    ("Laptops", "Company laptops, docking stations and peripherals.", "Workplace"),
    ("Printing", "Printers and scanners.", "Workplace"),
    ("Accounts", "Logins, passwords and multi-factor authentication.", "Service Desk"),
]
CATEGORIES = ["Hardware", "Software", "Network", "Access", "How-to"]

SOCIAL_REPORTERS = ["@jess_codes", "@mark_t", "Dana Whitfield (Facebook)", "@helpless_harry"]

INCIDENT_TEMPLATES = [
    ("VPN drops every 10 minutes", "Since this morning the VPN disconnects about every ten minutes.", "VPN", 2, 2),
    ("Cannot send email with attachments", "Any mail with an attachment over 1 MB bounces back.", "Email", 3, 2),
    ("Wi-Fi on 3rd floor very slow", "Pages take ages to load on the 3rd floor.", "Wi-Fi", 2, 3),
    ("Laptop won't boot after update", "Stuck on the logo after last night's update.", "Laptops", 3, 1),
    ("Printer on 2nd floor jams", "The big printer by the kitchen jams on every job.", "Printing", 3, 3),
    ("Locked out of my account", "I typed my password wrong and now I'm locked out.", "Accounts", 3, 1),
    ("Outlook keeps asking for password", "Every few minutes Outlook asks for my password again.", "Email", 3, 2),
    ("Can't reach intranet over VPN", "VPN connects but the intranet doesn't load.", "VPN", 2, 2),
    ("MFA codes not arriving", "The text message with my code never arrives.", "Accounts", 2, 1),
    ("Docking station no display", "External monitors stay black when docked.", "Laptops", 3, 3),
]
DEMO_INCIDENT_COUNT = 36


class Command(BaseCommand):
    help = "Load demo data (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        users = self._people()
        groups = {name: SupportGroup.objects.get_or_create(name=name)[0] for name in GROUPS}
        for name in ("Service Desk",):
            groups[name].members.add(users["agent"], users["agent2"], users["manager"])
        groups["Network"].members.add(users["agent2"])
        services_by_name = {}
        for name, description, owner in SERVICES:
            services_by_name[name], _ = Service.objects.get_or_create(
                name=name, defaults={"description": description, "owner_group": groups[owner]}
            )
        for name in CATEGORIES:
            Category.objects.get_or_create(name=name)
        contacts = [services.contact_for_user(user=users["alice"]), services.contact_for_user(user=users["bob"])]
        contacts += [Contact.objects.get_or_create(name=name, user=None)[0] for name in SOCIAL_REPORTERS]
        created = self._incidents(users, contacts, services_by_name)
        self._problems(users, services_by_name)
        self._not_incidents(users, contacts)
        self._macros(users)
        self._saved_views(users, services_by_name)
        demo_data_loaded.send(sender=self.__class__, users=users, services=services_by_name)
        self._print_logins(created)

    def _people(self) -> dict[str, User]:
        users = {}
        for username, password, first, last, role in PEOPLE:
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@example.com"}
            )
            if created:
                user.set_password(password)
                user.is_superuser = user.is_staff = role is None
                user.save()
            if role:
                user.groups.add(Group.objects.get(name=role))
            users[username] = user
        return users

    def _incidents(self, users, contacts, services_by_name) -> int:
        existing = Incident.objects.filter(reporter__in=contacts).count()
        rng = random.Random(2026)  # the same demo every time
        agents = [users["agent"], users["agent2"], None]
        created = 0
        now = timezone.now()
        for i in range(existing, DEMO_INCIDENT_COUNT):
            title, description, service, impact, urgency = INCIDENT_TEMPLATES[i % len(INCIDENT_TEMPLATES)]
            reporter = contacts[i % len(contacts)]
            channel = (
                Channel.WEB
                if reporter.user_id
                else (Channel.FACEBOOK if "Facebook" in reporter.name else Channel.TWITTER)
            )
            # A working desk: most incidents of the last days, some of the last four weeks.
            ages = [
                timedelta(minutes=rng.randint(5, 60 * 24)),
                timedelta(hours=rng.randint(24, 24 * 7)),
                timedelta(hours=rng.randint(24 * 7, 24 * 28)),
            ]
            age = rng.choices(ages, [4, 3, 3])[0]
            opened = now - age
            incident = services.incident_create(
                reporter=reporter,
                title=title,
                description=description,
                service=services_by_name[service],
                impact=impact,
                urgency=urgency,
                channel=channel,
                actor=reporter.user or reporter,
                opened_at=opened,
            )
            created += 1
            # Old incidents have mostly been dealt with; the recent ones are still in the queue.
            agent = rng.choice(agents) if age < timedelta(days=4) else rng.choice(agents[:2])
            self._progress(incident, agent, rng, opened=opened, now=now, settled=age >= timedelta(days=4))
        # Whatever ran past its target while nobody answered is flagged, as the sweep would.
        services.sla_flag_breaches(now=now)
        return created

    def _progress(self, incident, agent, rng, *, opened, now, settled) -> None:
        """Move some incidents along, so the console shows every state, each step at its own
        moment since the incident opened (the queue's "Updated" times differ, as on a real
        desk). The audit trail keeps the moment the demo was loaded: it is never rewritten."""
        if agent is None:
            return
        span = (now - opened).total_seconds()
        moments = sorted(opened + timedelta(seconds=span * rng.uniform(0.05, 0.95)) for _ in range(3))
        services.incident_assign(incident=incident, assignee=agent, actor=agent)
        step = rng.uniform(0.65, 1) if settled and rng.random() < 0.8 else rng.random()
        times = {"updated_at": moments[0]}
        if step >= 0.25:
            services.comment_create(
                incident=incident,
                body="Thanks for reporting this, we're looking into it.",
                visibility="public",
                author=agent,
                created_at=moments[0],
            )
            services.incident_transition(incident=incident, to_status=IncidentStatus.IN_PROGRESS, actor=agent)
            times |= {"first_response_at": moments[0], "updated_at": moments[1]}
            if step < 0.5:
                services.comment_create(
                    incident=incident,
                    body="Checked the logs; looks related to last night's change.",
                    visibility="internal",
                    author=agent,
                    created_at=moments[1],
                )
            elif step < 0.65:
                services.incident_transition(
                    incident=incident,
                    to_status=IncidentStatus.ON_HOLD,
                    hold_reason="Waiting for the reporter to test",
                    actor=agent,
                )
                times |= {"sla_paused_since": moments[1]}
            else:
                services.incident_transition(
                    incident=incident,
                    to_status=IncidentStatus.RESOLVED,
                    resolution="Fixed the configuration and verified with the reporter.",
                    actor=agent,
                )
                times |= {"resolved_at": moments[2], "sla_paused_since": moments[2], "updated_at": moments[2]}
        incident.refresh_from_db()
        responded = times.get("first_response_at")
        resolved = times.get("resolved_at")
        # The targets met or missed as of those moments, not as of loading the demo.
        times["response_breached"] = bool(
            responded and incident.response_due_at and responded > incident.response_due_at
        )
        times["resolution_breached"] = bool(
            resolved and incident.resolution_due_at and resolved > incident.resolution_due_at
        )
        Incident.objects.filter(pk=incident.pk).update(**times)

    def _saved_views(self, users, services_by_name) -> None:
        """The queue's views an agent keeps: their own, and two the team shares."""
        views = [
            (users["agent"], "Mine", "assignee=me", False),
            (users["agent"], "Breached", "sla=breached", True),
            (users["agent2"], "VPN, unassigned", f"service={services_by_name['VPN'].pk}&assignee=none", True),
        ]
        for owner, name, query, shared in views:
            SavedView.objects.get_or_create(owner=owner, name=name, defaults={"query": query, "shared": shared})

    def _problems(self, users, services_by_name) -> None:
        agent = users["agent2"]
        specs = [
            (
                "VPN concentrator drops sessions under load",
                "VPN",
                "Reconnect; use the backup gateway vpn2.example.com.",
                "VPN",
            ),
            ("Mail gateway rejects attachments over 1 MB", "Email", "", "Email"),
        ]
        for title, service, workaround, incident_service in specs:
            if Problem.objects.filter(title=title).exists():
                continue
            incidents = Incident.objects.filter(
                service=services_by_name[incident_service],
                problem__isnull=True,
                status__in=["new", "in_progress", "on_hold"],
            )[:4]
            problem = services.problem_create(
                title=title, service=services_by_name[service], assignee=agent, actor=agent, incidents=list(incidents)
            )
            services.problem_transition(problem=problem, to_status="investigating", actor=agent)
            if workaround:
                services.problem_transition(
                    problem=problem, to_status="known_error", workaround=workaround, actor=agent
                )

    def _not_incidents(self, users, contacts) -> None:
        """Messages that became incidents and were not: a thanks and a piece of spam."""
        social = [contact for contact in contacts if contact.user_id is None]
        for title, kind, reason, reporter in [
            (
                "@servicedesk thanks, the VPN is back!",
                "thanks",
                "Only thanking us; nothing to do.",
                social[0],
            ),
            ("Win a free laptop, click here", "spam", "Advert from an unknown account.", social[-1]),
        ]:
            if Incident.objects.filter(title=title).exists():
                continue
            incident = services.incident_create(
                reporter=reporter, title=title, description=title, channel=Channel.TWITTER, actor=reporter
            )
            services.incident_close_not_incident(incident=incident, kind=kind, reason=reason, actor=users["agent"])

    def _macros(self, users) -> None:
        """Saved replies: three shared (kept by the manager) and one of the agent's own."""
        specs = [
            ("manager", True, "We're on it", "Hi {{reporter_first_name}}, thanks for reporting this. "
             "I'm looking into {{incident_number}} now and will update you here.\n\n{{agent_first_name}}",
             {"set_status": "in_progress", "assign_to_sender": True}),
            ("manager", True, "Waiting for your answer", "Hi {{reporter_first_name}}, could you tell us when this "
             "started and whether anything changed on your side? We'll pick {{incident_number}} up as soon as "
             "you answer.", {"set_status": "on_hold"}),
            ("manager", True, "Fixed, please confirm", "Hi {{reporter_first_name}}, {{service}} should work again: "
             "please try once more and tell us if it doesn't.\n\n{{agent_name}}, Service Desk",
             {"set_status": "resolved"}),
            ("agent", False, "VPN first steps", "Could you disconnect, quit the VPN client, and connect again "
             "to vpn2.example.com? That fixes most drops.", {}),
        ]  # fmt: skip
        for username, shared, name, body, actions in specs:
            owner = None if shared else users[username]
            if Macro.objects.filter(name=name, owner=owner).exists():
                continue
            services.macro_create(actor=users[username], name=name, body=body, shared=shared, **actions)

    def _print_logins(self, created: int) -> None:
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new incidents)."))
        self.stdout.write(f"Logins ({LOGINS_WARNING}):")
        for username, password, _first, _last, role in PEOPLE:
            self.stdout.write(f"  {role or 'admin':<9} {username:<8} {password}")
