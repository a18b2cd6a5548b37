"""API tokens: ``cust_<prefix>_<secret>``; only the SHA-256 of the whole token is stored."""

import hashlib
import secrets

from django.utils import timezone

from academies.models import ApiToken


def _hash(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(academy, name, scopes, *, by=None):
    """Returns ``(token, raw)``: show ``raw`` once, it cannot be recovered."""
    prefix = secrets.token_hex(4)
    raw = f"cust_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        academy=academy, name=name, prefix=prefix, token_hash=_hash(raw), scopes=list(scopes), created_by=by
    )
    return token, raw


def authenticate(raw):
    """The live token for ``raw``, or ``None``. Comparison is on the hash (a unique index lookup)."""
    if not raw or len(raw) > 200 or not raw.startswith("cust_"):
        return None
    token = ApiToken.objects.select_related("academy").filter(token_hash=_hash(raw), revoked_at__isnull=True).first()
    if token is not None:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
