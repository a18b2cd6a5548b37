"""Forwarding the learning outbox to an academy's LRS (xAPI 1.0.3).

* ``queue(academy)`` adds one ``LrsDelivery`` row per statement of the academy's officers not yet
  queued; the unique (academy, statement) constraint makes each statement queued exactly once.
* ``deliver(endpoint)`` sends due rows in batches (POST /statements with the statement ids set),
  marks them delivered, or schedules a retry with exponential back-off. Rows are claimed with
  ``select_for_update(skip_locked=True)`` so two workers never send the same batch; a crash leaves
  rows undelivered and the next run picks them up (the LRS keeps statements idempotent by id).
* A statement the LRS refuses as a conflict (another statement under its id) stays undelivered with
  the reason recorded, for an administrator to see; it is never counted as delivered.
"""

import base64
import datetime
import json
import urllib.error
import urllib.request

from django.db import transaction
from django.utils import timezone

from academies.models import LrsDelivery, LrsEndpoint
from core.sealing import UnsealError
from core.visibility import visible
from learning.models import StatementOutbox
from organisations.access import InAcademy

BATCH = 50
MAX_BACKOFF = datetime.timedelta(hours=6)
TIMEOUT = 20


def queue(academy):
    queued = LrsDelivery.objects.filter(academy=academy).values("statement_id")
    statements = visible(InAcademy(academy=academy), StatementOutbox)  # the academy's own system
    ids = statements.exclude(pk__in=queued).values_list("pk", flat=True)
    rows = [LrsDelivery(academy=academy, statement_id=pk) for pk in ids.iterator(chunk_size=2000)]
    LrsDelivery.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def backoff(attempts):
    return min(datetime.timedelta(seconds=30 * 2 ** min(max(attempts - 1, 0), 16)), MAX_BACKOFF)


def _send(endpoint, method, query, body):
    """One xAPI request to ``…/statements`` with the endpoint's HTTP Basic credentials; returns the status."""
    request = urllib.request.Request(  # noqa: S310 - the URL is an https/http URLField set by a site administrator
        endpoint.url.rstrip("/") + "/statements" + query,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json", "X-Experience-API-Version": "1.0.3"},
    )
    if endpoint.username or endpoint.password:
        secret = base64.b64encode(f"{endpoint.username}:{endpoint.plain_password()}".encode()).decode()
        request.add_header("Authorization", f"Basic {secret}")
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
        return response.status


def _send_one(endpoint, delivery):
    """After a 409 for a batch: PUT each statement by id; 204: stored (or already there, identical);
    409: the LRS holds a different statement under this id, which no retry will change."""
    statement_id = str(delivery.statement.statement_id)
    try:
        return _send(
            endpoint, "PUT", "?statementId=" + statement_id, dict(delivery.statement.statement, id=statement_id)
        )
    except urllib.error.HTTPError as error:
        return error.code


def deliver(endpoint, *, max_batches=100):
    """Send the endpoint's academy's due statements; returns ``(delivered, failed)`` counts."""
    academy = endpoint.academy
    delivered = failed = 0
    for _round in range(max_batches):
        now = timezone.now()
        with transaction.atomic():
            due = list(
                LrsDelivery.objects.select_for_update(skip_locked=True)
                .filter(academy=academy, delivered_at__isnull=True)
                .exclude(next_attempt_at__gt=now)
                .select_related("statement")
                .order_by("pk")[:BATCH]
            )
            if not due:
                break
            statements = [dict(d.statement.statement, id=str(d.statement.statement_id)) for d in due]
            reason = "rejected"
            try:
                _send(endpoint, "POST", "", statements)
                ok = {d.pk for d in due}
            except urllib.error.HTTPError as error:
                if error.code == 409:  # one of them is already there with other content: one by one
                    ok = {d.pk for d in due if _send_one(endpoint, d) in (200, 204)}
                    reason = "HTTP 409: the LRS holds a different statement with this id"
                else:
                    ok = set()
                    reason = f"HTTP {error.code}"
            except (urllib.error.URLError, OSError, TimeoutError) as error:
                ok = set()
                reason = str(error)[:500]
            except UnsealError:
                ok = set()
                reason = "The LRS password was stored under another secret key: enter it again."
            for d in due:
                if d.pk in ok:
                    d.delivered_at, d.last_error = now, ""
                    delivered += 1
                else:
                    d.attempts += 1
                    d.next_attempt_at = now + backoff(d.attempts)
                    d.last_error = reason
                    failed += 1
            LrsDelivery.objects.bulk_update(due, ["delivered_at", "attempts", "next_attempt_at", "last_error"])
        if failed:
            break  # the LRS is unwell: leave the rest for the next run
    return delivered, failed


def forward_all(academy_id=None):
    endpoints = LrsEndpoint.objects.filter(enabled=True).select_related("academy")
    if academy_id is not None:
        endpoints = endpoints.filter(academy_id=academy_id)
    totals = [0, 0]
    for endpoint in endpoints:
        queue(endpoint.academy)
        sent, failed = deliver(endpoint)
        totals[0] += sent
        totals[1] += failed
    return tuple(totals)
