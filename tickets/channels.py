"""The channels an incident can come in by, beyond tickets' own.

tickets defines the channels it serves itself (`tickets.models.Channel`: the web pages and the
API) and names no other. An app that brings incidents in from elsewhere registers its channels
here when it starts (the social app: one per platform of `social.platforms`), so that
`Incident.channel`'s choices, the console's channel filter and the API's `channel` values list
them, and tickets still imports nothing of that app.

Incident.channel reads its choices through a callable (`tickets.models.channel_choices`), so
registering a channel changes no migration.
"""

from django.db.models.enums import ChoicesType

_registered: dict[str, str] = {}


def register_channel(value: str, label: str) -> None:
    """Make `value` a channel incidents may have, shown as `label`. Registering the same
    channel again with the same label does nothing."""
    if _registered.get(value, label) != label:
        raise ValueError(f"The channel {value!r} is already registered as {_registered[value]!r}.")
    _registered[value] = label


def unregister_channel(value: str) -> None:
    """Forget a registered channel (tests that register one of their own)."""
    _registered.pop(value, None)


def registered_channels() -> list[tuple[str, str]]:
    """(value, label) of every registered channel, in the order they were registered."""
    return list(_registered.items())


class ChannelsType(ChoicesType):
    """The metaclass of `tickets.models.Channel`: its own members are tickets' channels, and
    the registered ones follow them in `Channel.choices` (and `values`, `labels`) and read like
    members (`Channel.FACEBOOK == "facebook"` once an app has registered "facebook")."""

    @property
    def choices(cls):
        return [*super().choices, *registered_channels()]

    def __getattr__(cls, name):
        if name.isupper() and name.lower() in _registered:
            return name.lower()
        raise AttributeError(name)
