"""A refused page is logged once, on one line, without a traceback."""

import io
import logging
import sys

import pytest
from django.urls import reverse

from servicedesk.logs import RefusalsWithoutTraceback


@pytest.fixture
def log_output():
    """Point every stream handler the configured loggers write through at one buffer."""
    buffer = io.StringIO()
    handlers = {
        handler
        for name in ("", "django", "django.request")
        for handler in logging.getLogger(name).handlers
        if type(handler) is logging.StreamHandler  # not pytest's capturing handlers
    }
    saved = {handler: handler.stream for handler in handlers}
    for handler in handlers:
        handler.setStream(buffer)
    yield buffer
    for handler, stream in saved.items():
        handler.setStream(stream)


def test_a_403_is_one_line_without_traceback(customer_client, log_output, settings):
    response = customer_client.get(reverse("incident_list"))

    assert response.status_code == 403
    output = log_output.getvalue()
    assert output.count("Forbidden") == 1, output
    assert "Traceback" not in output
    assert "/incidents/" in output


def test_a_server_error_keeps_its_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), sys.exc_info()
        )
    record.status_code = 500
    assert RefusalsWithoutTraceback().filter(record)
    assert record.exc_info is not None
