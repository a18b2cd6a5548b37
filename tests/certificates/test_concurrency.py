"""Exactly once under concurrency: several workers issue the same completion at the same time."""

import threading

import pytest
from django.db import connection, connections

from certificates.models import Certificate, CertificateEvent
from certificates.services import issue_certificate, issue_for_completion
from tests.certificates.conftest import record_completion

WORKERS = 6


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks and concurrent transactions): set DATABASE_URL=postgres://...")


def run_concurrently(target):
    barrier = threading.Barrier(WORKERS)
    results, errors = [], []

    def work():
        try:
            barrier.wait()
            results.append(target())
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_issuers_issue_exactly_once(postgres_only, courses, police_course, member, accreditation):
    completion = record_completion(member, police_course)  # the on-commit task already issued it (immediate backend)
    results = run_concurrently(lambda: issue_certificate(completion, accreditation)[0].pk)
    assert len(set(results)) == 1
    assert Certificate.objects.filter(completion=completion).count() == 1
    assert CertificateEvent.objects.filter(certificate__completion=completion).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_tasks_for_a_fresh_completion(
    postgres_only, courses, police_course, member, accreditation, monkeypatch
):
    # Record the completion without its on-commit task, then let several workers race on it.
    monkeypatch.setattr("certificates.signals.transaction.on_commit", lambda callback: None)
    completion = record_completion(member, police_course)
    assert not Certificate.objects.exists()
    results = run_concurrently(lambda: [c.pk for c in issue_for_completion(completion.pk)])
    assert len({tuple(r) for r in results}) == 1
    assert Certificate.objects.filter(completion=completion).count() == 1
    assert CertificateEvent.objects.count() == 1
