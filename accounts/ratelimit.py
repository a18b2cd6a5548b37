"""Fixed-window rate limits kept in the database (every app process counts together).

``hit(scope, value, limit, window_seconds)`` counts one event for ``value`` (an e-mail address, an IP)
and says whether it is still within ``limit`` in the current window. Values are stored as keyed hashes,
never in clear.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import RateCount


def _key(scope, value):
    message = f"{scope}:{str(value or '').strip().lower()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _window_start(now, window_seconds):
    epoch = int(now.timestamp())
    return now - timedelta(seconds=epoch % window_seconds, microseconds=now.microsecond)


def hit(scope, value, limit, window_seconds, now=None):
    """Count one event; True while ``value`` has had at most ``limit`` events in this window."""
    now = now or timezone.now()
    key, start = _key(scope, value), _window_start(now, window_seconds)
    rows = RateCount.objects.filter(scope=scope, key=key, window_start=start)
    with transaction.atomic():
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateCount.objects.create(scope=scope, key=key, window_start=start, count=1)
            except IntegrityError:  # another process created it meanwhile
                rows.update(count=F("count") + 1)
        count = rows.values_list("count", flat=True).first() or 0
    if secrets.randbelow(100) == 0:  # now and then, forget windows a day old
        RateCount.objects.filter(window_start__lt=now - timedelta(days=1)).delete()
    return count <= limit
