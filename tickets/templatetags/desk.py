"""Small presentation helpers: badges and the SLA countdown."""

from datetime import datetime, timedelta

from django import template
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from servicedesk.text import show_bidi, show_bidi_plain
from tickets import sla
from tickets.models import SLA_RUNNING_STATUSES, Incident, IncidentStatus

register = template.Library()

STATUS_CLASSES = {
    "new": "text-bg-primary",
    "in_progress": "text-bg-info",
    "on_hold": "text-bg-warning",
    "resolved": "text-bg-success",
    "closed": "text-bg-secondary",
    "cancelled": "text-bg-light border",
    "investigating": "text-bg-info",
    "known_error": "text-bg-warning",
}
PRIORITY_CLASSES = {
    1: "text-bg-danger",
    2: "text-bg-warning",
    3: "text-bg-primary",
    4: "text-bg-secondary",
    5: "text-bg-light border",
}


@register.simple_tag
def status_badge(ticket) -> str:
    if getattr(ticket, "not_incident", ""):
        # Cancelled as not an incident: said as such, so the queue tells it from a cancellation.
        return format_html('<span class="badge rounded-pill text-bg-light border">{}</span>', "Not an incident")
    return format_html(
        '<span class="badge rounded-pill {}">{}</span>',
        STATUS_CLASSES.get(ticket.status, "text-bg-secondary"),
        ticket.get_status_display(),
    )


@register.simple_tag
def priority_badge(incident: Incident) -> str:
    return format_html(
        '<span class="badge {}" title="{}">P{}</span>',
        PRIORITY_CLASSES.get(incident.priority, "text-bg-secondary"),
        incident.get_priority_display(),
        incident.priority,
    )


def _duration(delta: timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    days, minutes = divmod(minutes, 60 * 24)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m"


@register.simple_tag
def sla_state(incident: Incident, now: datetime) -> str:
    """One short phrase on the resolution target: due in…, breached…, paused, met."""
    if incident.resolution_breached or sla.resolution_breached_at(incident, now):
        late = (
            now - incident.resolution_due_at
            if incident.resolution_due_at and incident.status in SLA_RUNNING_STATUSES
            else None
        )
        text = f"Breached {_duration(late)} ago" if late and late.total_seconds() > 0 else "Breached"
        return format_html('<span class="badge text-bg-danger">{}</span>', text)
    if incident.resolution_due_at is None:
        return mark_safe('<span class="text-body-secondary">No target</span>')
    if incident.status not in SLA_RUNNING_STATUSES:
        if incident.status == IncidentStatus.ON_HOLD:
            return mark_safe('<span class="badge text-bg-light border">Paused</span>')
        if incident.status == IncidentStatus.CANCELLED:
            return STOPPED_BADGE
        return mark_safe('<span class="badge text-bg-success">Met</span>')
    left = incident.resolution_due_at - now
    css = "text-bg-warning" if left <= timedelta(hours=1) else "text-bg-light border"
    return format_html('<span class="badge {}">Due in {}</span>', css, _duration(left))


# A cancelled incident (or one closed as not an incident) neither met nor missed its target.
STOPPED_BADGE = mark_safe(
    '<span class="badge text-bg-light border" data-sla="stopped" title="Cancelled: no target applies.">Stopped</span>'
)

PENDING_BADGE = mark_safe(
    '<span class="badge text-bg-info" data-response="pending" title="The reply is written but has not reached'
    ' the reporter on their channel yet: the response clock runs until it does.">Responded, delivery pending</span>'
)


def _delivery_pending(incident: Incident) -> bool:
    return incident.first_response_at is None and incident.response_pending_since is not None


@register.simple_tag
def response_state(incident: Incident, now: datetime) -> str:
    """The response target's state; while the first reply is still on its way to the
    reporter, "Responded, delivery pending" beside the clock that still runs."""
    if _delivery_pending(incident):
        return format_html("{}<br>{}", PENDING_BADGE, _response_clock(incident, now))
    return _response_clock(incident, now)


def _response_clock(incident: Incident, now: datetime) -> str:
    if incident.response_breached or sla.response_breached_at(incident, now):
        return mark_safe('<span class="badge text-bg-danger">Response breached</span>')
    if incident.first_response_at:
        return mark_safe('<span class="badge text-bg-success">Responded</span>')
    if incident.response_due_at is None:
        return ""
    if incident.status == IncidentStatus.CANCELLED:
        return STOPPED_BADGE
    if incident.sla_paused_since:
        return mark_safe('<span class="badge text-bg-light border">Response paused</span>')
    return format_html(
        '<span class="badge text-bg-light border">Respond in {}</span>', _duration(incident.response_due_at - now)
    )


@register.simple_tag
def sla_countdown(incident: Incident, now: datetime) -> str:
    """The resolution state, counting down in the browser while the clock runs
    (static/js/console.js updates every element with data-due)."""
    state = sla_state(incident, now)
    running = (
        incident.status in SLA_RUNNING_STATUSES
        and incident.resolution_due_at is not None
        and incident.sla_paused_since is None
        and not incident.resolution_breached
        and incident.resolution_due_at > now
    )
    if not running:
        return state
    return format_html(
        '<span class="sla-countdown" data-due="{}">{}</span>', incident.resolution_due_at.isoformat(), state
    )


QUEUE_CLOCK_WORDS = {
    # target: (running, breached)
    "response": ("Respond in", "Response breached"),
    "resolution": ("Resolve in", "Resolution breached"),
}


@register.simple_tag
def queue_sla(incident: Incident, now: datetime) -> str:
    """The queue's SLA cell: the clock that matters next (the response until the first
    response, then the resolution), breached exactly when the "Breached" filter selects the
    incident (`tickets.sla.next_clock` and `tickets.sla.breached_q` share one definition)."""
    clock = sla.next_clock(incident, now)
    running_words, breached_words = QUEUE_CLOCK_WORDS[clock.target]
    if clock.state == "breached":
        late = now - clock.due if clock.due is not None and clock.due < now else None
        text = f"{breached_words} {_duration(late)} ago" if late else breached_words
        return format_html('<span class="badge text-bg-danger sla-breached" data-sla="breached">{}</span>', text)
    if clock.state == "none":
        return mark_safe('<span class="text-body-secondary" data-sla="none">No target</span>')
    if clock.state == "paused":
        return mark_safe('<span class="badge text-bg-light border" data-sla="paused">Paused</span>')
    if clock.state == "met":
        return mark_safe('<span class="badge text-bg-success" data-sla="met">Met</span>')
    if clock.state == "stopped":
        return STOPPED_BADGE
    left = clock.due - now
    css = "text-bg-warning" if left <= timedelta(hours=1) else "text-bg-light border"
    return format_html(
        '<span class="sla-countdown" data-sla="running" data-due="{}" data-label="{}" data-breached="{}">'
        '<span class="badge {}">{} {}</span></span>',
        clock.due.isoformat(),
        running_words,
        breached_words,
        css,
        running_words,
        _duration(left),
    )


@register.simple_tag
def queue_row(incident: Incident, now: datetime, since: datetime, last_id: int) -> str:
    """One row of the triage queue.

    Built here rather than in a template: the queue draws fifty of these on every load and
    every live refresh, and the template engine spent most of the page's time on them
    (bench/bench_console.py). Every value goes through format_html, so all text is escaped.
    """
    url = reverse("incident_detail", args=[incident.number])
    is_new = incident.pk > last_id
    updated = not is_new and incident.updated_at > since
    classes = ["queue-new" if is_new else "queue-updated" if updated else "", ""]
    if incident.triage_rank == 1:
        classes.append("queue-untriaged")
    flags = []
    # "Arrived", not "New": a row that arrived since the page was opened is usually also in
    # status New, and two "New" badges side by side read as a glitch.
    if is_new:
        flags.append(mark_safe(' <span class="badge text-bg-info">Arrived</span>'))
    elif updated:
        flags.append(mark_safe(' <span class="badge text-bg-light border">Updated</span>'))
    if incident.major:
        flags.append(mark_safe(' <span class="badge text-bg-danger">Major</span>'))
    problem = format_html(" · {}", incident.problem.number) if incident.problem_id else ""
    assignee = (
        show_bidi(incident.assignee.get_full_name() or incident.assignee.get_username())
        if incident.assignee_id
        else mark_safe('<span class="text-body-secondary">Unassigned</span>')
    )
    updated_at = timezone.localtime(incident.updated_at)
    return format_html(
        '<tr data-incident="{pk}" data-number="{number}" data-assign-url="{url}assign-me/" class="{classes}">'
        '<td class="select-col"><input class="form-check-input" type="checkbox" name="incidents" value="{pk}"'
        ' form="bulk" aria-label="Select {number}"></td>'
        '<td class="text-nowrap"><a class="fw-semibold" href="{url}">{number}</a>{flags}</td>'
        '<td class="title-cell"><div class="fw-medium">{title}</div>'
        '<div class="small text-body-secondary">{reporter}{problem}</div></td>'
        # data-label names a cell where the queue is a list of cards (a phone, static/css/desk.css).
        '<td class="q-status">{status}</td><td class="q-priority">{priority}</td>'
        '<td class="q-service" data-label="Service">{service}</td>'
        '<td class="text-nowrap q-channel" data-label="Channel">{channel}</td>'
        '<td class="text-nowrap q-assignee" data-label="Assignee">{assignee}</td>'
        '<td class="text-nowrap q-sla">{sla}</td>'
        '<td class="text-nowrap q-updated" data-label="Updated">'
        '<time datetime="{updated_iso}">{updated_text}</time></td></tr>',
        pk=incident.pk,
        number=incident.number,
        url=url,
        classes=" ".join(c for c in classes if c),
        flags=mark_safe("".join(flags)),  # noqa: S308 - the fixed badges above
        title=show_bidi(incident.title),
        reporter=show_bidi(incident.reporter.name),
        problem=problem,
        status=status_badge(incident),
        priority=priority_badge(incident),
        service=incident.service.name if incident.service_id else "—",
        channel=incident.get_channel_display(),
        assignee=assignee,
        sla=format_html(
            "{}{}",
            queue_sla(incident, now),
            mark_safe('<div class="small text-body-secondary">delivery pending</div>')
            if _delivery_pending(incident)
            else "",
        ),
        updated_iso=updated_at.isoformat(),
        updated_text=updated_at.strftime("%d %b %H:%M"),
    )


@register.simple_tag
def filter_select(field) -> str:
    """A <select> of a GET filter form, built here: Django renders each option with its own
    template, which made the queue's filter bar a fifth of the page's time."""
    current = "" if field.value() is None else str(field.value())
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) == current else "", show_bidi_plain(label))
            for value, label in field.field.choices
        ),
    )
    return format_html(
        '<select name="{}" id="{}" class="{}">{}</select>',
        field.html_name,
        field.id_for_label,
        field.field.widget.attrs.get("class", "form-select"),
        options,
    )


@register.simple_tag
def select_field(field) -> str:
    """A form's <select>, with the attributes Django gives it (id, required, aria-invalid,
    aria-describedby), built here instead of one template per option: the incident page's
    assignee list alone cost more than its fifty timeline entries."""
    attrs = field.build_widget_attrs(dict(field.field.widget.attrs))
    attrs.setdefault("id", field.auto_id)
    value = field.value()
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {"" if value is None else str(value)}
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (v, mark_safe(" selected") if str(v) in chosen else "", show_bidi_plain(label))
            for v, label in field.field.choices
        ),
    )
    return format_html('<select name="{}"{}>{}</select>', field.html_name, flatatt(attrs), options)
