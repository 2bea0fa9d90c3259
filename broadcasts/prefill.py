"""“Broadcast this”: a draft's first words, from an incident, a major incident, a problem or a
change. Public words only — never the internal title or description, which may name people
or systems — so the agent starts from something safe to publish and makes it precise."""

from broadcasts.models import BroadcastKind, Change
from tickets.models import Incident, IncidentStatus, Problem


def from_incident(incident: Incident) -> dict:
    service = incident.service.name if incident.service else "one of our services"
    if incident.status in (IncidentStatus.RESOLVED, IncidentStatus.CLOSED):
        return {
            "kind": BroadcastKind.RESOLVED,
            "title": f"{service} is working again",
            "text": f"{service} is working normally again. Thank you for your patience.",
        }
    return {
        "kind": BroadcastKind.OUTAGE,
        "title": f"{service} disruption",
        "text": f"We know {service} is not working as it should. We are working on it and will post updates here.",
    }


def from_problem(problem: Problem) -> dict:
    service = problem.service.name if problem.service else "one of our services"
    return {
        "kind": BroadcastKind.NEWS,
        "title": f"Known issue with {service}",
        "text": f"We are aware of an issue with {service}."
        + (" Workaround: (write the public workaround here)." if problem.workaround else " We are investigating."),
    }


def from_change(change: Change) -> dict:
    names = ", ".join(s.name for s in change.services.all()) or "some services"
    window = f"{change.planned_start:%A %d %B %H:%M}–{change.planned_end:%H:%M} UTC"
    return {
        "kind": BroadcastKind.MAINTENANCE,
        "title": change.title,
        "text": f"Planned maintenance on {names}: {window}. There may be short interruptions.",
    }
