"""The client's address through the proxies we trust, and never what the client claims."""

import pytest
from django.test import RequestFactory

from servicedesk.clients import client_address


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_proxies_it_is_the_connections_address_whatever_the_headers_say(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.7", "203.0.113.7"),
        # The client wrote the first entry itself; nginx appended the address it saw.
        ("198.51.100.1, 203.0.113.7", "203.0.113.7"),
        ("10.0.0.1,  198.51.100.1 ,203.0.113.7", "203.0.113.7"),
        ("", "172.18.0.5"),
    ],
)
def test_behind_one_proxy_it_is_the_address_the_proxy_saw(settings, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from("172.18.0.5", forwarded)) == expected


def test_behind_two_proxies_it_is_the_address_the_outer_one_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = request_from("172.18.0.5", "198.51.100.1, 203.0.113.7, 10.1.2.3")
    assert client_address(request) == "203.0.113.7"
