"""Facebook signs every webhook delivery: `X-Hub-Signature-256: sha256=<hex>`, the lowercase
hex HMAC-SHA256 of the raw body keyed with the app secret.

The check runs over the bytes as they arrived, never over re-serialised JSON (Facebook escapes
non-ASCII and slashes its own way), and in constant time.
"""

import hashlib
import hmac

PREFIX = "sha256="


def sign(*, body: bytes, app_secret: str) -> str:
    """The header value Facebook sends for `body`."""
    return PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(*, body: bytes, header: str | None, app_secret: str) -> bool:
    """Whether `header` (X-Hub-Signature-256) signs `body` with `app_secret`.

    An empty secret never validates anything: an unconfigured account must not accept
    unsigned deliveries.
    """
    if not app_secret or not header:
        return False
    # Headers reach Django as latin-1 text; compare the bytes, whatever they are.
    received = header.strip().encode("latin-1", errors="replace")
    return hmac.compare_digest(received, sign(body=body, app_secret=app_secret).encode())
