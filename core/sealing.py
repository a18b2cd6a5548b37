"""Secrets stored in the database, sealed: AES-256-GCM under a key derived with HKDF-SHA256 from a
secret setting (falling back to ``SECRET_KEY``), with associated data binding each value to what it
is for. A copy of the database alone does not reveal them; changing the secret means entering (or
generating) them again.

Two users: academies' LRS passwords, which must be sent again later and so cannot be hashed
(``seal``/``unseal``, text, ``CUSTODIA_SEALING_SECRET``), and academies' certificate signing keys
(``certificates.jose``, bytes, ``CUSTODIA_CERTIFICATE_KEY_SECRET``, through ``seal_bytes``/``open_bytes``).
"""

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "sealed1:"
NONCE_BYTES = 12


class UnsealError(ValueError):
    """The value was sealed under another secret (or altered)."""


def derive_key(secret_setting, salt, info):
    """A 256-bit key from the setting named ``secret_setting`` (or ``SECRET_KEY`` when it is empty)."""
    secret = getattr(settings, secret_setting) or settings.SECRET_KEY
    if not secret:
        raise RuntimeError(f"Set SECRET_KEY (or {secret_setting}) to store sealed secrets.")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret.encode("utf-8"))


def seal_bytes(key, data, associated_data):
    """``nonce + ciphertext + tag`` (a fresh nonce each time)."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, data, associated_data)


def open_bytes(key, sealed, associated_data):
    """The bytes back; ``UnsealError`` under another key or associated data, or if altered."""
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated_data)
    except (InvalidTag, ValueError) as error:
        raise UnsealError("sealed under another secret") from error


def _text_key(purpose):
    return derive_key("CUSTODIA_SEALING_SECRET", b"custodia-sealing", purpose.encode())


def is_sealed(value):
    return bool(value) and value.startswith(PREFIX)


def seal(text, purpose):
    """``text`` sealed for ``purpose`` (the same text gives a different value each time); "" stays ""."""
    if not text or is_sealed(text):
        return text
    sealed = seal_bytes(_text_key(purpose), text.encode("utf-8"), purpose.encode())
    return PREFIX + base64.urlsafe_b64encode(sealed).decode("ascii")


def unseal(value, purpose):
    """The text back. A value never sealed (written by a raw update) is returned as it is."""
    if not is_sealed(value):
        return value
    sealed = base64.urlsafe_b64decode(value[len(PREFIX) :].encode("ascii"))
    return open_bytes(_text_key(purpose), sealed, purpose.encode()).decode("utf-8")
