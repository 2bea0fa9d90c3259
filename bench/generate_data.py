"""Fill a PostgreSQL database with a realistic service desk, fast, for the benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/servicedesk_bench \
        .venv/bin/python bench/generate_data.py --incidents 1000000

Incidents come with comments and audit events, spread over two years, in every status,
priority, channel and service, assigned among a few dozen agents. Rows go in with
PostgreSQL's COPY in chunks (no ORM per row); values for columns this script does not know
come from the model field's default, so new fields do not break it. A few incidents get
exactly 50 timeline entries for the incident page benchmark; their numbers are printed.

It appends: run it on an empty (migrated) database, or pass --reset to empty the desk's
tables first.
"""

import argparse
import io
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, models  # noqa: E402

from tickets.models import (  # noqa: E402
    Comment,
    Contact,
    Event,
    Incident,
    NumberSequence,
    PriorityRule,
    Service,
    SlaTarget,
    SupportGroup,
)

WORDS = [
    "vpn",
    "email",
    "outlook",
    "password",
    "login",
    "laptop",
    "printer",
    "wifi",
    "network",
    "slow",
    "crash",
    "error",
    "update",
    "screen",
    "battery",
    "keyboard",
    "teams",
    "calendar",
    "attachment",
    "drive",
    "share",
    "folder",
    "access",
    "denied",
    "timeout",
    "certificate",
    "browser",
    "disk",
    "full",
    "mobile",
    "phone",
    "sync",
    "license",
    "install",
    "reboot",
    "freeze",
    "monitor",
    "docking",
    "headset",
    "camera",
    "microphone",
    "meeting",
    "invite",
    "server",
    "database",
    "backup",
    "restore",
    "account",
    "locked",
    "expired",
    "token",
    "mfa",
    "code",
    "sms",
    "app",
    "portal",
    "intranet",
    "payroll",
    "invoice",
]
TITLES = [
    "VPN disconnects every few minutes",
    "Cannot log in to email",
    "Laptop will not boot",
    "Printer jams on every job",
    "Wi-Fi very slow on floor {n}",
    "Outlook keeps asking for password",
    "No access to shared drive {n}",
    "MFA code never arrives",
    "Teams meeting audio drops",
    "Monitor flickers when docked",
    "Payroll portal shows error {n}",
    "Disk full on laptop",
]
STATUS_WEIGHTS = {
    "new": 5,
    "in_progress": 10,
    "on_hold": 3,
    "resolved": 18,
    "closed": 62,
    "cancelled": 2,
}
CHANNEL_WEIGHTS = {"web": 45, "api": 15, "twitter": 25, "facebook": 15}
SERVICES = ["Email", "VPN", "Wi-Fi", "Laptops", "Printing", "Accounts", "Teams", "Payroll", "Intranet", "Phones"]
NOW = datetime.now(UTC)
SPAN = timedelta(days=730)


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def csv_value(value) -> str:
    if value is None:
        return ""  # NULL in COPY's CSV format
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    if any(c in text for c in ',"\n\r') or text == "":
        return '"' + text.replace('"', '""') + '"'
    return text


class Copier:
    """Buffers rows of one model and COPYs them in chunks, filling unknown columns with defaults."""

    def __init__(self, model: type[models.Model], *, ids: bool, chunk: int = 50_000, after: tuple["Copier", ...] = ()):
        self.model = model
        self.after = after  # copiers whose rows ours reference: they flush first
        # With ids=True the caller numbers the rows (others reference them); else the serial does.
        # Generated columns (Incident.triage_rank) are the database's to fill.
        self.fields = [f for f in model._meta.concrete_fields if (ids or not f.primary_key) and not f.generated]
        self.columns = [f.column for f in self.fields]
        # Django's own default: the declared one, "" for text, else None (NULL).
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.required = {f.attname for f in self.fields if self.defaults[f.attname] is None and not f.null}
        self.chunk = chunk
        self.rows: list[str] = []
        self.count = 0

    def add(self, **values) -> None:
        row = []
        for f in self.fields:
            if f.attname in values:
                row.append(csv_value(values[f.attname]))
            elif f.attname in self.required:
                raise KeyError(f"{self.model.__name__}.{f.attname} needs a value")
            else:
                row.append(csv_value(self.defaults[f.attname]))
        self.rows.append(",".join(row))
        if len(self.rows) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        for other in self.after:
            other.flush()
        if not self.rows:
            return
        buffer = io.StringIO("\n".join(self.rows) + "\n")
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            cursor.copy_expert(f'COPY "{table}" ({", ".join(self.columns)}) FROM STDIN WITH (FORMAT csv)', buffer)
        self.count += len(self.rows)
        self.rows.clear()


def next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')
        return cursor.fetchone()[0]


def reset_sequences(*models_) -> None:
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), COALESCE(MAX(id), 1)) FROM \"{table}\""
            )


def setup_people(rng: random.Random, agents: int, contacts: int):
    agent_group = Group.objects.get(name="agent")
    team_names = ["Service Desk", "Network", "Workplace", "Messaging", "Applications"]
    teams = [SupportGroup.objects.get_or_create(name=name)[0] for name in team_names]
    users = []
    for i in range(agents):
        user, created = User.objects.get_or_create(username=f"bench-agent-{i}", defaults={"first_name": f"Agent{i}"})
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(agent_group)
            teams[i % len(teams)].members.add(user)
        users.append(user)
    services = [
        Service.objects.get_or_create(name=name, defaults={"owner_group": teams[i % len(teams)]})[0]
        for i, name in enumerate(SERVICES)
    ]
    first_contact = next_id(Contact)
    copier = Copier(Contact, ids=True)
    for i in range(contacts):
        copier.add(
            id=first_contact + i,
            name=f"Bench person {first_contact + i}",
            email=f"person{first_contact + i}@example.com",
            created_at=NOW,
        )
    copier.flush()
    reset_sequences(Contact)
    return users, teams, services, list(range(first_contact, first_contact + contacts))


def build_search_documents(cursor, first_incident: int) -> None:
    """The triggers that keep `search_document` (migration 0005) were off during COPY; an
    update of the title runs the incident's trigger once per new row instead."""
    cursor.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_name = 'tickets_incident' AND column_name = 'search_document'"
    )
    if cursor.fetchone():
        started = time.perf_counter()
        cursor.execute("UPDATE tickets_incident SET title = title WHERE id >= %s", [first_incident])
        print(f"  search documents built in {time.perf_counter() - started:.1f}s", flush=True)


def generate(args) -> None:
    rng = random.Random(args.seed)
    started = time.perf_counter()
    if args.reset:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE tickets_event, tickets_comment, tickets_incident, tickets_problem, tickets_contact CASCADE"
            )
        NumberSequence.objects.filter(prefix__in=["INC", "PRB"]).update(last_value=0)
    users, _teams, services, contact_ids = setup_people(rng, args.agents, args.contacts)
    with connection.cursor() as cursor:
        # Skip the per-row foreign key checks while loading (superuser only): the rows made
        # here reference only rows made here, in order. Most of COPY's time goes there.
        cursor.execute("SET session_replication_role = replica")
    priorities = {(r.impact, r.urgency): r.priority for r in PriorityRule.objects.all()}
    targets = {t.priority: t for t in SlaTarget.objects.all()}
    statuses, status_w = zip(*STATUS_WEIGHTS.items(), strict=True)
    channels, channel_w = zip(*CHANNEL_WEIGHTS.items(), strict=True)

    sequence = NumberSequence.objects.get(prefix="INC")
    first_number = sequence.last_value + 1
    first_incident = next_id(Incident)
    first_comment = next_id(Comment)
    incidents = Copier(Incident, ids=True)
    comments = Copier(Comment, ids=True, after=(incidents,))
    events = Copier(Event, ids=False, after=(incidents, comments))
    comment_id = first_comment
    rich = set(rng.sample(range(args.incidents - 2000), min(args.rich, max(args.incidents - 2000, 0))))
    rich_numbers = []
    # Sentences drawn from a pool: generating each one word by word would dominate the run.
    descriptions = [sentence(rng, rng.randint(12, 60)) for _ in range(5000)]
    bodies = [sentence(rng, rng.randint(8, 40)) for _ in range(5000)]

    for i in range(args.incidents):
        incident_id = first_incident + i
        number = f"INC{first_number + i:07d}"
        created = NOW - SPAN * (1 - i / args.incidents) + timedelta(seconds=rng.randint(0, 600))
        status = rng.choices(statuses, status_w)[0]
        if i >= args.incidents - 2000:  # the most recent ones are still being worked
            status = rng.choice(["new", "new", "in_progress", "on_hold"])
        if i in rich:
            status = "in_progress"  # created + 22 edits + assignment + status events, 25 comments
        impact, urgency = rng.randint(1, 3), rng.randint(1, 3)
        priority = priorities[(impact, urgency)]
        target = targets.get(priority)
        response_due = created + timedelta(minutes=target.response_minutes) if target else None
        resolution_due = created + timedelta(minutes=target.resolution_minutes) if target else None
        worked = status != "new"
        assignee = rng.choice(users) if worked or rng.random() < 0.3 else None
        service = rng.choice(services)
        responded = created + timedelta(minutes=rng.randint(5, 300)) if worked else None
        resolved = (
            responded + timedelta(hours=rng.randint(1, 96)) if status in ("resolved", "closed") and responded else None
        )
        closed = resolved + timedelta(days=rng.randint(1, 14)) if status == "closed" and resolved else None
        updated = closed or resolved or responded or created
        if i in rich:
            rich_numbers.append(number)
        incidents.add(
            id=incident_id,
            number=number,
            title=rng.choice(TITLES).format(n=rng.randint(1, 9)),
            description=rng.choice(descriptions),
            status=status,
            impact=impact,
            urgency=urgency,
            priority=priority,
            service_id=service.id,
            channel=rng.choices(channels, channel_w)[0],
            reporter_id=rng.choice(contact_ids),
            assignment_group_id=service.owner_group_id,
            assignee_id=assignee.id if assignee else None,
            major=rng.random() < 0.002,
            hold_reason="Waiting for the vendor" if status == "on_hold" else "",
            resolution="Fixed and verified with the reporter." if resolved else "",
            created_at=created,
            updated_at=updated,
            first_response_at=responded,
            resolved_at=resolved,
            closed_at=closed,
            response_due_at=response_due,
            resolution_due_at=resolution_due,
            sla_paused_since=updated if status == "on_hold" else None,
            response_breached=bool(responded and response_due and responded > response_due),
            resolution_breached=bool(resolved and resolution_due and resolved > resolution_due),
        )
        events.add(incident_id=incident_id, kind="created", new_value="New", created_at=created)
        # Comments and events: about 2 and 3 per incident; 50 timeline entries for the rich ones.
        n_comments = 25 if i in rich else (rng.randint(0, 4) if worked else 0)
        at = created
        for c in range(n_comments):
            at = at + timedelta(minutes=rng.randint(1, 120))
            internal = rng.random() < 0.3
            author = rng.choice(users)
            comments.add(
                id=comment_id,
                incident_id=incident_id,
                body=rng.choice(bodies),
                visibility="internal" if internal else "public",
                author_user_id=author.id,
                created_at=at,
            )
            if i in rich and c < 22:
                events.add(
                    incident_id=incident_id,
                    kind="field",
                    field="title",
                    old_value="Old title",
                    new_value="New title",
                    actor_user_id=author.id,
                    created_at=at,
                )
            comment_id += 1
        if assignee:
            events.add(
                incident_id=incident_id,
                kind="assignment",
                field="assignee",
                new_value=assignee.username,
                actor_user_id=assignee.id,
                created_at=responded or created,
            )
        if worked:
            events.add(
                incident_id=incident_id,
                kind="status",
                field="status",
                old_value="New",
                new_value=status.replace("_", " ").capitalize(),
                actor_user_id=(assignee or users[0]).id,
                created_at=updated,
            )
        if (i + 1) % 100_000 == 0:
            print(f"  {i + 1:>9,} incidents  {time.perf_counter() - started:6.1f}s", flush=True)

    for copier in (incidents, comments, events):
        copier.flush()
    NumberSequence.objects.filter(prefix="INC").update(last_value=first_number + args.incidents - 1)
    reset_sequences(Incident, Comment, Event)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
        build_search_documents(cursor, first_incident)
        cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    print(
        f"Inserted {incidents.count:,} incidents, {comments.count:,} comments, {events.count:,} events "
        f"in {elapsed:.1f}s ({incidents.count / elapsed:,.0f} incidents/s)."
    )
    print("Incidents with 50 timeline entries:", " ".join(rich_numbers[:10]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--agents", type=int, default=40)
    parser.add_argument("--rich", type=int, default=20, help="incidents with 50 timeline entries")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reset", action="store_true", help="empty the desk's tables first")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    generate(args)


if __name__ == "__main__":
    main()
