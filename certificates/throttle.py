"""Rate limit for the public verification page: per client IP, fixed one-minute windows, in the database.

Counters are rows (``VerificationHit``) so every app process (and machine) shares them; the IP is
stored only as a keyed hash. Every request counts, whatever its verdict, so codes and surnames
cannot be guessed faster than the limit.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.throttle import client_ip
from certificates.models import VerificationHit

WINDOW_SECONDS = 60


def limit():
    return int(getattr(settings, "CUSTODIA_VERIFY_LIMIT_PER_MINUTE", 30))


def client_key(request):
    ip = client_ip(request) or "unknown"
    return hmac.new(settings.SECRET_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()[:32]


def _window_start(now):
    return now.replace(second=0, microsecond=0)


def hit(request, now=None):
    """Count this request; True while the client is within the limit."""
    now = now or timezone.now()
    key, start = client_key(request), _window_start(now)
    with transaction.atomic():
        updated = VerificationHit.objects.filter(client=key, window_start=start).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    VerificationHit.objects.create(client=key, window_start=start, count=1)
            except IntegrityError:  # another process created it meanwhile
                VerificationHit.objects.filter(client=key, window_start=start).update(count=F("count") + 1)
        count = VerificationHit.objects.filter(client=key, window_start=start).values_list("count", flat=True).first()
    if secrets.randbelow(200) == 0:  # now and then, forget old windows
        VerificationHit.objects.filter(window_start__lt=start - timezone.timedelta(hours=1)).delete()
    return (count or 0) <= limit()
