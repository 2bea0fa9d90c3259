"""Fixtures of the platform contract's tests: every registered platform, and Parley, the
third platform written only in the tests (`parley.py`), registered for the test that asks."""

import pytest

from social import platforms

from . import parley

# The platforms the conformance suite checks: every one the desk registers, and Parley.
CHANNELS = [platform.channel for platform in platforms.registered()] + [parley.CHANNEL]


@pytest.fixture
def parley_registered(settings):
    """Parley registered as a platform (and a channel of tickets), for this test only."""
    for name, value in parley.SETTINGS.items():
        setattr(settings, name, value)
    platforms.register(parley.PLATFORM)
    parley.calls.clear()
    yield parley.PLATFORM
    platforms.unregister(parley.CHANNEL)


@pytest.fixture(params=CHANNELS)
def platform(request) -> platforms.Platform:
    if request.param == parley.CHANNEL:
        return request.getfixturevalue("parley_registered")
    return platforms.get(request.param)
