"""What a platform's outbound client raises; `social.outbox.send` decides what each one means
for the message (retry later, wait for the rate limit, fail with the reason, reconcile)."""

from datetime import datetime


class SendError(Exception):
    """Base class; `str(error)` is shown to the agent."""


class RateLimited(SendError):
    def __init__(self, message: str, *, retry_at: datetime):
        super().__init__(message)
        self.retry_at = retry_at


class TokenInvalid(SendError):
    """The token is revoked or expired: admins see a banner; the message waits for a new token."""


class Rejected(SendError):
    """The platform refused this message for good (not allowed, duplicate, too old...)."""


class TemporaryFailure(SendError):
    """A 5xx or a network error before the platform took the message: retry with backoff."""


class OutcomeUnknown(TemporaryFailure):
    """The request went out but no answer came back (a timeout): the message may be posted.
    Before any retry, `find_sent` looks for it on the platform."""
