"""Logging filters for the project's handlers (wired in settings.LOGGING)."""

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """Drop the traceback Django attaches to the log line of a 403.

    Django logs every PermissionDenied with the exception's traceback, so each refused page
    (a customer opening an agent's URL, an expired link) filled the log with a stack that says
    nothing: the refusal is the intended answer. The one-line warning with path and status stays.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
