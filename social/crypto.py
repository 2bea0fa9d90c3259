"""Tokens kept in the database are encrypted at rest (Fernet: AES-128-CBC + HMAC-SHA256).

The key comes from SOCIAL_ENCRYPTION_KEY; without it, one is derived from SECRET_KEY, so a
database dump alone never reveals a token. Rotating: set the new key first in
SOCIAL_ENCRYPTION_KEY and the old one in SOCIAL_ENCRYPTION_OLD_KEYS; values are read with
any of them and written with the first.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


def _fernet_key(secret: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())


def fernet() -> MultiFernet:
    secrets = [settings.SOCIAL_ENCRYPTION_KEY or settings.SECRET_KEY, *settings.SOCIAL_ENCRYPTION_OLD_KEYS]
    return MultiFernet([Fernet(_fernet_key(secret)) for secret in secrets])


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(value: str) -> str:
    if not value:
        return ""
    try:
        return fernet().decrypt(value.encode()).decode()
    except InvalidToken as error:
        raise ValueError("A stored social token cannot be decrypted: is SOCIAL_ENCRYPTION_KEY right?") from error


class EncryptedTextField(models.TextField):
    """Plain text in Python, Fernet ciphertext in the database."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
