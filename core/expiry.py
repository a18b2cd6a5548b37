"""The expiry rule, in one place: a record valid for N months after a moment expires at that
moment plus N calendar months (clamped to the month's last day); it is expired from that instant
on (``expires_at <= now``); no expiry date means it never expires.

Course completions, certificates, exports and reports all ask here.
"""

import calendar
import datetime

from django.db import models
from django.utils import timezone


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """``moment`` plus ``months`` calendar months; 31 January + 1 month is the last day of February."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def expires_after(moment: datetime.datetime, validity_months: int | None) -> datetime.datetime | None:
    """When something valid for ``validity_months`` from ``moment`` expires (None: never)."""
    return add_months(moment, validity_months) if validity_months else None


def is_expired(expires_at: datetime.datetime | None, now: datetime.datetime | None = None) -> bool:
    return expires_at is not None and expires_at <= (now or timezone.now())


def expired_q(now: datetime.datetime | None = None, field: str = "expires_at") -> models.Q:
    """The rows that have expired by ``now`` (``~expired_q(now)``: still valid, or never expiring)."""
    return models.Q(**{f"{field}__lte": now or timezone.now()})


class ExpiringQuerySet(models.QuerySet):
    def expired(self, now: datetime.datetime | None = None) -> "ExpiringQuerySet":
        return self.filter(expired_q(now))

    def still_valid(self, now: datetime.datetime | None = None) -> "ExpiringQuerySet":
        return self.exclude(expired_q(now))


class Expiring(models.Model):
    """A model with an ``expires_at`` (declared by the model itself: its verbose name and null/blank differ)."""

    class Meta:
        abstract = True

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return is_expired(self.expires_at, now)
