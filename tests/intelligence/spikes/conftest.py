import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _no_cached_banner():
    """The banner's alerts are cached (in a process-wide cache): each test starts without."""
    cache.clear()
    yield
    cache.clear()
