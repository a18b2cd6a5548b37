"""Sign-in throttling against password guessing, shared by every app process, that no stranger can turn
into a lockout of someone else.

Each failed attempt is one ``LoginFailure`` row (e-mail address, client IP, time). Within the last
``CUSTODIA_LOGIN_LOCKOUT_SECONDS``, signing in is refused before the password is even checked when

* this account has ``CUSTODIA_LOGIN_FAILURE_LIMIT`` failures *from this IP* (the guesser is locked
  out of the account; the officer, from their own address, is not), or
* this IP has ``CUSTODIA_LOGIN_IP_FAILURE_LIMIT`` failures, whatever the accounts, or
* the account is being slowed down: past ``CUSTODIA_LOGIN_SLOWDOWN_AFTER`` failures from anywhere
  (a guesser with many addresses), each attempt waits a delay that doubles with every further
  failure, up to ``CUSTODIA_LOGIN_SLOWDOWN_MAX_SECONDS`` after the last one. A slow-down is never a
  lockout: whoever waits that long gets their attempt.

Refused attempts are not counted, so every lock lifts by itself. A successful sign-in or a password
reset clears the account's failures (not the IP's: an academy shares one address).

The check lives in the authentication backend (``accounts.backends``), so every form that calls
``authenticate()`` with the request - the site's login, Wagtail's /admin/login/ - is covered; the
login forms turn it into a clear message.
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
    reason: str  # "account" (this account from this IP), "ip" or "slow" (the account-wide slow-down)
    until: object  # aware datetime

    @property
    def minutes_left(self):
        return max(1, math.ceil((self.until - timezone.now()).total_seconds() / 60))

    @property
    def seconds_left(self):
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))

    def message(self):
        if self.reason == "slow":
            seconds = self.seconds_left
            return ngettext(
                "This account has had many failed sign-in attempts. For its security, wait %(seconds)d second "
                "before you try again.",
                "This account has had many failed sign-in attempts. For its security, wait %(seconds)d seconds "
                "before you try again.",
                seconds,
            ) % {"seconds": seconds}
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


def _slowdown_until(username):
    """When the account-wide slow-down lets the next attempt through, or None."""
    free = getattr(settings, "CUSTODIA_LOGIN_SLOWDOWN_AFTER", 10)
    longest = getattr(settings, "CUSTODIA_LOGIN_SLOWDOWN_MAX_SECONDS", 60)
    since = timezone.now() - _period()
    recent = LoginFailure.objects.filter(username=username, attempted_at__gt=since)
    count = recent.count()
    if count < free:
        return None
    delay = min(longest, 2 ** min(count - free, 16))
    last = recent.order_by("-attempted_at").values_list("attempted_at", flat=True).first()
    until = last + timedelta(seconds=delay)
    return until if until > timezone.now() else None


def get_lockout(username, ip_address):
    """The ``Lockout`` in force for this e-mail address from this IP, or None."""
    username = normalize_username(username)
    if username and ip_address:
        failures = LoginFailure.objects.filter(username=username, ip_address=ip_address)
        until = _lock_until(failures, settings.CUSTODIA_LOGIN_FAILURE_LIMIT)
        if until:
            return Lockout("account", until)
    if ip_address:
        failures = LoginFailure.objects.filter(ip_address=ip_address)
        until = _lock_until(failures, settings.CUSTODIA_LOGIN_IP_FAILURE_LIMIT)
        if until:
            return Lockout("ip", until)
    if username:
        until = _slowdown_until(username)
        if until:
            return Lockout("slow", until)
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
