"""Fixtures of every social test."""

import pytest

from social import platforms

from .platforms import parley


@pytest.fixture
def parley_registered(settings):
    """Parley registered as a platform (and a channel of tickets), for this test only."""
    for name, value in parley.SETTINGS.items():
        setattr(settings, name, value)
    platforms.register(parley.PLATFORM)
    parley.calls.clear()
    yield parley.PLATFORM
    platforms.unregister(parley.CHANNEL)
