"""Sign-in throttling against password guessing, shared by every app process.

Each failed attempt is one ``LoginFailure`` row (e-mail address, client IP, time). Signing in
is refused, before the password is even checked, while either

* the account has ``CUSTODIA_LOGIN_FAILURE_LIMIT`` failures, or
* the client IP has ``CUSTODIA_LOGIN_IP_FAILURE_LIMIT`` failures

within the last ``CUSTODIA_LOGIN_LOCKOUT_SECONDS``. Refused attempts are not counted, so a
lock lifts by itself that long after the failure that set it. A successful sign-in or a
password reset clears the account's failures (not the IP's: an academy shares one address).

The check lives in the authentication backend (``accounts.backends``), so every form that
calls ``authenticate()`` with the request — the site's login, Wagtail's /admin/login/ — is
covered; the login forms turn it into a clear message.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.models import LoginFailure

LOCKOUT_ATTRIBUTE = "custodia_login_lockout"


@dataclass(frozen=True)
class Lockout:
    reason: str  # "account" or "ip"
    until: object  # aware datetime

    @property
    def minutes_left(self):
        return max(1, math.ceil((self.until - timezone.now()).total_seconds() / 60))

    def message(self):
        minutes = self.minutes_left
        return ngettext(
            "Too many failed sign-in attempts. For your security, signing in is blocked for %(minutes)d "
            "minute. Try again later, or reset your password.",
            "Too many failed sign-in attempts. For your security, signing in is blocked for %(minutes)d "
            "minutes. Try again later, or reset your password.",
            minutes,
        ) % {"minutes": minutes}


def normalize_username(username):
    return str(username or "").strip().lower()[:254]


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the X-Forwarded-For entry our trusted proxies added."""
    if request is None:
        return None
    proxies = getattr(settings, "CUSTODIA_TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return valid_ip(forwarded[-proxies])
    return valid_ip(request.META.get("REMOTE_ADDR"))


def valid_ip(value):
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_ipv46_address

    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value


def _period():
    return timedelta(seconds=settings.CUSTODIA_LOGIN_LOCKOUT_SECONDS)


def _lock_until(queryset, limit):
    """When the lock on ``queryset``'s failures lifts, or None if there is no lock."""
    if limit <= 0:
        return None
    since = timezone.now() - _period()
    recent = queryset.filter(attempted_at__gt=since).order_by("-attempted_at")
    recent = list(recent.values_list("attempted_at", flat=True)[:limit])
    if len(recent) < limit:
        return None
    return recent[-1] + _period()


def get_lockout(username, ip_address):
    """The ``Lockout`` in force for this e-mail address or IP, or None."""
    username = normalize_username(username)
    if username:
        until = _lock_until(LoginFailure.objects.filter(username=username), settings.CUSTODIA_LOGIN_FAILURE_LIMIT)
        if until:
            return Lockout("account", until)
    if ip_address:
        failures = LoginFailure.objects.filter(ip_address=ip_address)
        until = _lock_until(failures, settings.CUSTODIA_LOGIN_IP_FAILURE_LIMIT)
        if until:
            return Lockout("ip", until)
    return None


def record_failure(username, ip_address):
    LoginFailure.objects.create(username=normalize_username(username), ip_address=ip_address)
    # Forget what no longer counts (indexed on attempted_at; cheap).
    LoginFailure.objects.filter(attempted_at__lt=timezone.now() - _period()).delete()


def clear_failures(username):
    LoginFailure.objects.filter(username=normalize_username(username)).delete()


def lockout_for_request(request):
    """The lockout the backend found during this request's authenticate() call, if any."""
    return getattr(request, LOCKOUT_ATTRIBUTE, None) if request is not None else None
