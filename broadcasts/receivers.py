"""What `social` tells us about the desk's own posts (see `broadcasts.posting`)."""

from .posting import post_changed_at_source, post_sent


def message_sent(sender, *, message_id: int, **kwargs) -> None:
    post_sent(message_id=message_id)


def message_changed(sender, *, message_id: int, action: str, text: str, at=None, **kwargs) -> None:
    post_changed_at_source(message_id=message_id, action=action, text=text, at=at)
