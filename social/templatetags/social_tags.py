"""How social messages look on the pages: channel badges, states, authors, safe links."""

from django import template
from django.utils.html import format_html

from social import platforms
from social.models import Direction, MessageState, SocialMessage

register = template.Library()

STATE_CLASSES = {
    MessageState.NEW_INCIDENT: "text-bg-success",
    MessageState.JOINED: "text-bg-info",
    MessageState.RECORDED: "text-bg-light border",
    MessageState.FEEDBACK: "text-bg-primary-subtle text-primary-emphasis",
    MessageState.IGNORED: "text-bg-secondary",
    MessageState.QUEUED: "text-bg-light border",
    MessageState.SENDING: "text-bg-warning",
    MessageState.SENT: "text-bg-success",
    MessageState.FAILED: "text-bg-danger",
}


@register.simple_tag
def channel_badge(channel: str) -> str:
    platform = platforms.find(channel)
    css, label = (platform.badge_class, platform.name) if platform else ("text-bg-secondary", channel)
    return format_html('<span class="badge {} channel-badge">{}</span>', css, label)


@register.simple_tag
def state_badge(message: SocialMessage) -> str:
    """What became of an inbound message, or where an outbound one's delivery is."""
    return format_html(
        '<span class="badge {}">{}</span>',
        STATE_CLASSES.get(message.state, "text-bg-secondary"),
        message.get_state_display(),
    )


@register.filter
def author_of(message: SocialMessage) -> str:
    """The name to show: for a message in, the person's display name, else their handle,
    else what the platform said; for one out, who wrote it at the desk (its identity is the
    person it answers)."""
    if message.direction == Direction.OUTBOUND:
        return message.author_name or "Service desk"
    identity = message.identity
    if identity is not None:
        return identity.display_name or identity.handle or message.author_name or identity.external_id
    return message.author_name or "Unknown"


@register.filter
def handle_of(message: SocialMessage) -> str:
    """The @handle of the person who wrote it (in) or is answered (out, "to @jess"), when
    there is one and it is not already the name shown."""
    identity = message.identity
    if identity is None:
        return ""
    if message.direction == Direction.OUTBOUND:
        to = identity.handle or identity.display_name
        return f"to {to}" if to else ""
    if not identity.handle or identity.handle == author_of(message):
        return ""
    return identity.handle


@register.filter
def external_url(url: str) -> str:
    """The link to the original, if it is a web address: a `javascript:` URL from a
    payload must never become a link."""
    return url if url.startswith(("https://", "http://")) else ""


@register.filter
def original_link_label(channel: str) -> str:
    platform = platforms.find(channel)
    return f"View on {platform.name}" if platform else "View the original"


@register.filter
def as_sentence(text: str) -> str:
    """The text with one full stop at its end (a platform's error may or may not have one)."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."
