"""The status page's feeds, written by maintained libraries: Atom by feedgen, iCalendar by
icalendar. Public words only: broadcasts published on the status page, state changes,
planned changes' titles and windows."""

from datetime import datetime

from django.utils import timezone
from feedgen.feed import FeedGenerator
from icalendar import Calendar, Event

from broadcasts.models import Change
from tickets.models import Service

from .models import ServiceState, StateChange
from .selectors import public_broadcasts
from .services import absolute


def atom(*, service: Service | None, feed_url: str, page_url: str) -> bytes:
    feed = FeedGenerator()
    feed.id(absolute(feed_url))
    feed.title(f"{service.name} status" if service else "Service status")
    feed.subtitle("Outages, maintenance and news from the IT service desk.")
    feed.link(href=absolute(feed_url), rel="self")
    feed.link(href=absolute(page_url), rel="alternate")
    feed.language("en")
    entries: list[tuple[datetime, dict]] = []
    for broadcast in public_broadcasts(service=service, limit=50):
        entries.append(
            (
                broadcast.published_at,
                {
                    "id": absolute(f"{page_url}#broadcast-{broadcast.pk}"),
                    "title": f"{broadcast.get_kind_display()}: {broadcast.title}",
                    "content": broadcast.text,
                    "link": absolute(f"{page_url}#broadcast-{broadcast.pk}"),
                },
            )
        )
    changes = StateChange.objects.select_related("service").order_by("-at", "-id")
    if service is not None:
        changes = changes.filter(service=service)
    for change in changes[:50]:
        state = ServiceState(change.state).label
        entries.append(
            (
                change.at,
                {
                    "id": absolute(f"{page_url}#state-{change.pk}"),
                    "title": f"{change.service.name}: {state}",
                    "content": f"{change.service.name} is {state.lower()} since {change.at:%Y-%m-%d %H:%M} UTC.",
                    "link": absolute(page_url),
                },
            )
        )
    entries.sort(key=lambda item: item[0])  # feedgen puts each new entry first: newest ends on top
    updated = entries[-1][0] if entries else timezone.now()
    feed.updated(updated)
    for at, entry in entries[-50:]:
        item = feed.add_entry()
        item.id(entry["id"])
        item.title(entry["title"])
        item.content(entry["content"], type="text")
        item.link(href=entry["link"])
        item.published(at)
        item.updated(at)
        item.author({"name": "IT service desk"})
    return feed.atom_str(pretty=True)


def maintenance_calendar(*, changes: list[Change], page_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Social Service Desk//Status page//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "IT maintenance")
    for change in changes:
        event = Event()
        event.add("uid", f"change-{change.pk}@{absolute('/').split('//', 1)[-1].strip('/')}")
        event.add("summary", change.title)
        services = ", ".join(s.name for s in change.services.all())
        event.add("description", f"Maintenance on {services or 'IT services'}. {absolute(page_url)}")
        event.add("dtstart", change.planned_start)
        event.add("dtend", change.planned_end)
        event.add("dtstamp", change.updated_at)
        event.add("status", "CANCELLED" if change.state == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
