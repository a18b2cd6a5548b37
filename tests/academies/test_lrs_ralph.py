"""LRS forwarding against Ralph, a real learning record store (``ralph-malph``), on loopback.

Ralph runs from its own environment (``.venv/lrs``, installed by ``scripts/setup.sh``) with its file
backend in a temporary folder (appending: see ``ralph_server.py``) and HTTP basic authentication.
Each statement must arrive exactly once, intact, only for the academy's own officers; a crash between
sending and recording is resumed without a duplicate; a conflicting statement is reported, not hidden;
bad credentials deliver nothing and schedule a retry.
"""

import base64
import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.utils import timezone

from academies import lrs
from academies.models import LrsDelivery, LrsEndpoint
from learning.enrolment import enrol
from learning.models import StatementOutbox
from tests.academies.conftest import make_user

pytestmark = pytest.mark.django_db

LRS_ENV = Path(__file__).resolve().parents[2] / ".venv" / "lrs" / "bin"
RALPH, RALPH_PYTHON = LRS_ENV / "ralph", LRS_ENV / "python"
SERVER = Path(__file__).resolve().parent / "ralph_server.py"
USER, PASSWORD = "custodia-academy", "lrs-pass-phrase-2026"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def ralph(tmp_path_factory):
    """A fresh Ralph (empty store) for each test."""
    if not RALPH.exists():
        pytest.fail(f"Ralph is not installed at {RALPH}: run scripts/setup.sh")
    home = tmp_path_factory.mktemp("ralph")
    env = {
        **os.environ,
        "RALPH_AUTH_FILE": str(home / "auth.json"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(home),
    }
    subprocess.run(  # noqa: S603 - our own paths and arguments
        [RALPH, "auth", "-u", USER, "-p", PASSWORD, "-s", "all", "-M", "mailto:lrs@example.org", "-w"],
        env=env,
        cwd=home,
        check=True,
        capture_output=True,
    )
    port = free_port()
    log = (home / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own paths and arguments
        [RALPH_PYTHON, SERVER, str(port)],
        env=env,
        cwd=home,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/__heartbeat__", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("Ralph did not start:\n" + (home / "server.log").read_text())
            time.sleep(0.3)
    yield f"{base}/xAPI"
    server.terminate()
    server.wait(timeout=10)
    log.close()


def stored_statements(url):
    """Every statement Ralph holds, following its ``more`` links."""
    secret = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    found, next_url = [], f"{url}/statements?limit=500"
    while next_url:
        request = urllib.request.Request(next_url, headers={"Authorization": f"Basic {secret}"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            page = json.loads(response.read())
        found += page["statements"]
        more = page.get("more")
        next_url = url.split("/xAPI")[0] + more if more else None
    return found


@pytest.fixture
def statements(academy, other_academy, police_course):
    ours = [make_user(f"ralph{i}@example.org", academy) for i in range(4)]
    theirs = make_user("ralph-other@example.org", other_academy)
    for user in [*ours, theirs]:
        enrol(user, police_course, check_policy=False)
    return StatementOutbox.objects.filter(user__in=ours)


def held_here(url, statements):
    ids = {str(s.statement_id) for s in statements}
    return [s for s in stored_statements(url) if s["id"] in ids]


def test_every_statement_reaches_ralph_once_and_intact(ralph, academy, statements, monkeypatch):
    monkeypatch.setattr(lrs, "BATCH", 3)  # several batches
    LrsEndpoint.objects.create(academy=academy, url=ralph, username=USER, password=PASSWORD)
    expected = {str(s.statement_id): s for s in statements}
    assert len(expected) >= 4
    assert lrs.forward_all(academy.pk) == (len(expected), 0)
    held = held_here(ralph, statements)
    assert sorted(s["id"] for s in held) == sorted(expected)  # each once
    for statement in held:
        ours = expected[statement["id"]].statement
        assert statement["verb"] == ours["verb"] and statement["object"]["id"] == ours["object"]["id"]
        assert statement["actor"]["account"] == ours["actor"]["account"]
    other_ids = set(StatementOutbox.objects.exclude(pk__in=statements).values_list("statement_id", flat=True))
    assert not other_ids & {s["id"] for s in stored_statements(ralph)}  # no other academy's officer
    # Run again (a schedule, a second worker): nothing is sent twice.
    assert lrs.forward_all(academy.pk) == (0, 0)
    assert len(held_here(ralph, statements)) == len(expected)


def test_a_crash_after_sending_is_resumed_without_duplicates(ralph, academy, statements):
    LrsEndpoint.objects.create(academy=academy, url=ralph, username=USER, password=PASSWORD)
    assert lrs.forward_all(academy.pk)[1] == 0
    # The worker died after Ralph stored the batch but before our rows were marked.
    LrsDelivery.objects.filter(academy=academy).update(delivered_at=None)
    delivered, failed = lrs.forward_all(academy.pk)
    assert failed == 0 and delivered == statements.count()
    assert sorted(s["id"] for s in held_here(ralph, statements)) == sorted(str(s.statement_id) for s in statements)


def test_a_different_statement_under_the_same_id_is_reported_not_hidden(ralph, academy, statements):
    LrsEndpoint.objects.create(academy=academy, url=ralph, username=USER, password=PASSWORD)
    first = statements.first()
    forged = dict(first.statement, id=str(first.statement_id), verb={"id": "http://adlnet.gov/expapi/verbs/voided"})
    secret = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310
        f"{ralph}/statements",
        data=json.dumps([forged]).encode(),
        method="POST",
        headers={"Authorization": f"Basic {secret}", "Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).close()  # noqa: S310
    delivered, failed = lrs.forward_all(academy.pk)
    assert (delivered, failed) == (statements.count() - 1, 1)
    row = LrsDelivery.objects.get(statement=first)
    assert row.delivered_at is None and "409" in row.last_error


def test_wrong_credentials_deliver_nothing_and_retry_later(ralph, academy, statements):
    LrsEndpoint.objects.create(academy=academy, url=ralph, username=USER, password="not-the-password")
    delivered, failed = lrs.forward_all(academy.pk)
    assert delivered == 0 and failed > 0
    waiting = LrsDelivery.objects.filter(academy=academy, delivered_at__isnull=True)
    assert waiting.count() == statements.count()
    row = waiting.filter(attempts=1).first()
    assert row.last_error == "HTTP 401" and row.next_attempt_at > timezone.now()
    assert held_here(ralph, statements) == []
    # Fixed credentials: the rows are sent when due.
    endpoint = LrsEndpoint.objects.get(academy=academy)
    endpoint.password = PASSWORD
    endpoint.save()
    waiting.update(next_attempt_at=None)
    assert lrs.forward_all(academy.pk) == (statements.count(), 0)
