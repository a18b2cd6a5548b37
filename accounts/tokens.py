"""Signed, expiring, single-use links that confirm a new account's e-mail address.

The token signs the user's id and a fingerprint of the account's state (e-mail, password hash,
active flag, confirmation time). Confirming changes that state, so a link works once; it
also stops working when the address or password changes, and after
``CUSTODIA_SIGNUP_CONFIRMATION_MAX_AGE`` seconds.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "accounts.signup-confirmation"


class TokenError(Exception):
    """The link is malformed, forged, expired or already used (``reason`` says which)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _fingerprint(user):
    state = f"{user.pk}|{user.email}|{user.password}|{user.is_active}|{user.email_confirmed_at}"
    return salted_hmac(SALT, state, algorithm="sha256").hexdigest()[:32]


def make_confirmation_token(user):
    return signing.dumps({"u": user.pk, "f": _fingerprint(user)}, salt=SALT, compress=False)


def check_confirmation_token(token):
    """The unconfirmed user the token names; raises ``TokenError`` otherwise."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.CUSTODIA_SIGNUP_CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise TokenError("expired") from error
    except signing.BadSignature as error:
        raise TokenError("invalid") from error
    if not isinstance(data, dict):
        raise TokenError("invalid")
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    if user is None:
        raise TokenError("invalid")
    if user.email_confirmed_at is not None or user.is_active:
        raise TokenError("used")
    if not constant_time_compare(str(data.get("f", "")), _fingerprint(user)):
        raise TokenError("invalid")
    return user
