"""LRS forwarding against a minimal in-test xAPI server on loopback (statements POST/PUT with
409 on a conflicting id): batches, exactly once per statement id, retries with back-off, and a
restart that picks up undelivered rows."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from academies import lrs
from academies.models import LrsDelivery, LrsEndpoint
from core import sealing
from learning.enrolment import enrol
from learning.models import StatementOutbox
from tests.academies.conftest import make_user

pytestmark = pytest.mark.django_db


class FakeLRS(BaseHTTPRequestHandler):
    stored: dict
    fail_next: list
    requests: list

    def log_message(self, *args):
        pass

    def _answer(self, status, body=b""):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):  # noqa: N802
        self.requests.append(("POST", self.headers.get("Authorization")))
        if self.fail_next:
            self.fail_next.pop()
            return self._answer(503)
        statements = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        statements = statements if isinstance(statements, list) else [statements]
        for statement in statements:
            known = self.stored.get(statement["id"])
            if known is not None and known != statement:
                return self._answer(409)
        for statement in statements:
            self.stored[statement["id"]] = statement
        return self._answer(200, json.dumps([s["id"] for s in statements]).encode())

    def do_PUT(self):  # noqa: N802
        self.requests.append(("PUT", self.headers.get("Authorization")))
        statement = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        known = self.stored.get(statement["id"])
        if known is not None and known != statement:
            return self._answer(409)
        self.stored[statement["id"]] = statement
        return self._answer(204)


@pytest.fixture
def server():
    handler = type("Handler", (FakeLRS,), {"stored": {}, "fail_next": [], "requests": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{httpd.server_address[1]}/xapi"
    httpd.shutdown()


@pytest.fixture
def statements(academy, other_academy, police_course):
    ours = [make_user(f"o{i}@example.test", academy) for i in range(3)]
    theirs = make_user("x@example.test", other_academy)
    for user in [*ours, theirs]:
        enrol(user, police_course, check_policy=False)
    return StatementOutbox.objects.filter(user__in=ours)


def test_forwarding_exactly_once_with_retries(server, academy, statements, monkeypatch):
    handler, url = server
    LrsEndpoint.objects.create(academy=academy, url=url, username="key", password="secret")
    monkeypatch.setattr(lrs, "BATCH", 2)
    handler.fail_next.append(True)  # the LRS is down for the first request
    assert lrs.forward_all() == (0, 2)
    failed = LrsDelivery.objects.filter(attempts=1)
    assert failed.count() == 2 and all(d.next_attempt_at > timezone.now() for d in failed)
    assert "HTTP 503" in failed.first().last_error
    # The failed rows are not due yet; the untried one is sent.
    assert lrs.forward_all() == (1, 0)
    LrsDelivery.objects.update(next_attempt_at=None)
    call_command("forward_statements")
    expected = {str(s.statement_id) for s in statements}
    assert set(handler.stored) == expected  # only this academy's officers
    assert LrsDelivery.objects.filter(delivered_at__isnull=True).count() == 0
    assert handler.requests[0][1].startswith("Basic ")
    # Re-running (after a crash or on a schedule) sends nothing again.
    sent_before = len(handler.requests)
    assert lrs.forward_all() == (0, 0)
    assert len(handler.requests) == sent_before
    assert LrsDelivery.objects.count() == len(expected)


def test_a_crash_between_sending_and_marking_is_resumed(server, academy, statements):
    """The LRS stored a statement but we never recorded it: the retry is accepted (same id, same content)."""
    handler, url = server
    LrsEndpoint.objects.create(academy=academy, url=url)
    first = statements.first()
    handler.stored[str(first.statement_id)] = dict(first.statement, id=str(first.statement_id))
    assert lrs.forward_all() == (3, 0)


def test_a_conflicting_statement_falls_back_to_one_by_one(server, academy, statements):
    handler, url = server
    LrsEndpoint.objects.create(academy=academy, url=url)
    first = statements.first()
    handler.stored[str(first.statement_id)] = {"id": str(first.statement_id), "other": "content"}
    assert lrs.forward_all() == (2, 1)
    assert ("PUT", None) in handler.requests
    assert "409" in LrsDelivery.objects.get(statement=first).last_error


def test_backoff_grows_and_is_capped():
    assert lrs.backoff(1).total_seconds() == 30
    assert lrs.backoff(3).total_seconds() == 120
    assert lrs.backoff(50) == lrs.MAX_BACKOFF


def test_lrs_password_is_stored_sealed(academy):
    endpoint = LrsEndpoint.objects.create(academy=academy, url="http://127.0.0.1:9/xapi", password="lrs secret")
    stored = LrsEndpoint.objects.values_list("password", flat=True).get()
    assert "lrs secret" not in stored and sealing.is_sealed(stored)
    assert LrsEndpoint.objects.get(pk=endpoint.pk).plain_password() == "lrs secret"


def test_a_password_sealed_under_an_old_secret_is_reported(academy, police_course):
    enrol(make_user("sealed@example.org", academy), police_course, check_policy=False)
    LrsEndpoint.objects.create(academy=academy, url="http://127.0.0.1:9/xapi", username="u", password="lrs secret")
    with override_settings(CUSTODIA_SEALING_SECRET="rotated"):
        delivered, failed = lrs.forward_all(academy.pk)
    assert delivered == 0 and failed >= 1
    assert "enter it again" in LrsDelivery.objects.first().last_error


def test_the_admin_never_shows_the_password_and_a_blank_field_keeps_it(client, superuser, academy):
    from django.urls import reverse

    endpoint = LrsEndpoint.objects.create(academy=academy, url="https://lrs.example.org/xapi", password="lrs secret")
    client.force_login(superuser)
    edit = reverse("wagtailsnippets_academies_lrsendpoint:edit", args=[endpoint.pk])
    html = client.get(edit).content.decode()
    assert 'type="password"' in html and endpoint.password not in html and "lrs secret" not in html
    form = {"academy": academy.pk, "url": "https://lrs.example.org/xapi/", "username": "key", "password": ""}
    form["enabled"] = "on"
    assert client.post(edit, form).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.url.endswith("/xapi/") and endpoint.plain_password() == "lrs secret"
    client.post(edit, {**form, "password": "new secret"})
    endpoint.refresh_from_db()
    assert endpoint.plain_password() == "new secret" and sealing.is_sealed(endpoint.password)
