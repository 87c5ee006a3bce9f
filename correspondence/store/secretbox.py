"""Secrets kept in the database (mailbox passwords), encrypted with a key only the server holds.

The key is derived from ``CORRESPONDENCE_SECRET_KEY`` with HKDF-SHA256 (RFC 5869) and used with Fernet
(AES-128-CBC + HMAC-SHA256, authenticated): a database dump alone does not reveal the passwords, and a
tampered ciphertext is refused rather than decrypted to garbage.
"""
from __future__ import annotations

import base64
from typing import Mapping, Union

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..errors import ConfigurationError
from ..settings import Settings, resolve

SECRET_KEY_ENV = "CORRESPONDENCE_SECRET_KEY"
MIN_SECRET_CHARS = 16
_INFO = b"correspondence/mailbox-password/v1"


Env = Union[Settings, Mapping[str, str], None]


def _fernet(env: Env = None) -> Fernet:
    secret = resolve(env).secret("secret_key") or ""
    if len(secret) < MIN_SECRET_CHARS:
        raise ConfigurationError(f"{SECRET_KEY_ENV} must be set to a random string of at least "
                                 f"{MIN_SECRET_CHARS} characters to store mailbox passwords")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(plaintext: str, env: Env = None) -> str:
    """Encrypt `plaintext` for storage."""
    return _fernet(env).encrypt(plaintext.encode()).decode("ascii")


def unseal(token: str, env: Env = None) -> str:
    """Decrypt a value made by `seal`; a changed server key or a tampered value is a configuration error."""
    try:
        return _fernet(env).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        raise ConfigurationError(f"a stored mailbox password cannot be decrypted: was {SECRET_KEY_ENV} "
                                 "changed? Store the password again") from None
