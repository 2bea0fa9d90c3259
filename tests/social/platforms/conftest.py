"""Fixtures of the platform contract's tests: every registered platform, and Parley, the
third platform written only in the tests (`parley.py`; `parley_registered` is social's)."""

import pytest

from social import platforms

from . import parley

# The platforms the conformance suite checks: every one the desk registers, and Parley.
CHANNELS = [platform.channel for platform in platforms.registered()] + [parley.CHANNEL]


@pytest.fixture(params=CHANNELS)
def platform(request) -> platforms.Platform:
    if request.param == parley.CHANNEL:
        return request.getfixturevalue("parley_registered")
    return platforms.get(request.param)
