"""Secrets the platform must send again later (an academy's LRS password, for HTTP Basic) cannot be
hashed; they are stored sealed instead: AES-256-GCM under a key derived with HKDF-SHA256 from
``CUSTODIA_SEALING_SECRET`` (or ``SECRET_KEY`` when that is not set), the purpose bound as associated
data. A copy of the database alone does not reveal them; changing the secret means entering them again.
"""

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "sealed1:"


class UnsealError(ValueError):
    """The value was sealed under another secret (or altered)."""


def _key(purpose):
    secret = getattr(settings, "CUSTODIA_SEALING_SECRET", "") or settings.SECRET_KEY
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"custodia-sealing", info=purpose.encode()).derive(
        secret.encode("utf-8")
    )


def is_sealed(value):
    return bool(value) and value.startswith(PREFIX)


def seal(text, purpose):
    """``text`` sealed for ``purpose`` (the same text gives a different value each time); "" stays ""."""
    if not text or is_sealed(text):
        return text
    nonce = os.urandom(12)
    sealed = AESGCM(_key(purpose)).encrypt(nonce, text.encode("utf-8"), purpose.encode())
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(value, purpose):
    """The text back. A value never sealed (written by a raw update) is returned as it is."""
    if not is_sealed(value):
        return value
    raw = base64.urlsafe_b64decode(value[len(PREFIX) :].encode("ascii"))
    try:
        return AESGCM(_key(purpose)).decrypt(raw[:12], raw[12:], purpose.encode()).decode("utf-8")
    except (InvalidTag, ValueError) as error:
        raise UnsealError("sealed under another secret") from error
