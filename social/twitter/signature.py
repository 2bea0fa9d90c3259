"""X's webhook signatures: the CRC answer that proves we own the URL, and the HMAC every POST
carries in `x-twitter-webhooks-signature`. Both are "sha256=" + base64(HMAC-SHA256(consumer
secret, message)), the message being the crc_token, or the raw body."""

import base64
import hashlib
import hmac

SIGNATURE_HEADER = "x-twitter-webhooks-signature"


def _hmac(message: bytes, consumer_secret: str) -> str:
    digest = hmac.new(consumer_secret.encode(), message, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def crc_response(*, crc_token: str, consumer_secret: str) -> str:
    return _hmac(crc_token.encode(), consumer_secret)


def sign(*, body: bytes, consumer_secret: str) -> str:
    return _hmac(body, consumer_secret)


def signature_valid(*, body: bytes, header: str | None, consumer_secret: str) -> bool:
    """Whether `header` is X's signature of these exact bytes (never re-serialised JSON)."""
    if not header or not consumer_secret:
        # An empty secret would make every signature forgeable.
        return False
    return hmac.compare_digest(header.strip().encode(), sign(body=body, consumer_secret=consumer_secret).encode())
