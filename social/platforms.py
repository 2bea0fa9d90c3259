"""The platforms the desk speaks, each a subpackage of `social` with the same modules
(`inbound`, `signature`, `views`, `outbound`, `poll`). A new one is added here."""

from importlib import import_module
from types import ModuleType

from tickets.models import Channel

PLATFORM_PACKAGES = {Channel.TWITTER: "social.twitter", Channel.FACEBOOK: "social.facebook"}


def platform_module(channel: str, module: str) -> ModuleType:
    """`platform_module("twitter", "outbound")` is `social.twitter.outbound`."""
    return import_module(f"{PLATFORM_PACKAGES[channel]}.{module}")
