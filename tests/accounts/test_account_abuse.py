"""Account abuse, the review's probes run again: a stranger cannot lock an officer out (the lock is on the
account *from the guessing address*, with an account-wide slow-down, never a lockout, against guessers
with many addresses); password-reset e-mails are throttled per address and per requesting IP."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import LoginFailure

pytestmark = pytest.mark.django_db
PASSWORD = "a-strong-pass-phrase"
LOGIN = "/en/accounts/login/"
RESET = "/en/accounts/password/reset/"


def attempt(address, email, password="wrong-guess"):  # noqa: S107 - a wrong guess, on purpose
    client = Client(REMOTE_ADDR=address)
    return client, client.post(LOGIN, {"username": email, "password": password})


def test_a_stranger_guessing_an_officers_password_locks_only_themselves_out(officer, settings):
    settings.CUSTODIA_LOGIN_FAILURE_LIMIT = 5
    for _ in range(5):
        attempt("198.51.100.66", officer.email)
    _client, refused = attempt("198.51.100.66", officer.email, PASSWORD)  # say, the morning of an exam
    assert "Too many failed sign-in attempts" in refused.content.decode()
    client, response = attempt("203.0.113.10", officer.email, PASSWORD)  # the officer, at the academy
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(officer.pk)


def test_guessing_from_many_addresses_slows_the_account_down_without_locking_it(officer, settings):
    settings.CUSTODIA_LOGIN_SLOWDOWN_AFTER = 4
    settings.CUSTODIA_LOGIN_SLOWDOWN_MAX_SECONDS = 60
    for n in range(4):  # a botnet: one guess per address, no pair lock
        attempt(f"198.51.100.{n + 1}", officer.email)
    # Four failures from anywhere: the next attempt, from any address, waits a second after the last one.
    _client, refused = attempt("203.0.113.10", officer.email, PASSWORD)
    waited = re.search(r"wait (\d+) seconds? before you try again", refused.content.decode())
    assert refused.status_code == 200 and waited and int(waited.group(1)) == 1
    assert LoginFailure.objects.filter(username=officer.email).count() == 4  # the refusal is not counted
    # Each further failure doubles the wait: two more make it 2**2 = 4 seconds.
    now = timezone.now()
    LoginFailure.objects.bulk_create(
        [LoginFailure(username=officer.email, ip_address="198.51.100.99", attempted_at=now) for _ in range(2)]
    )
    _client, refused = attempt("203.0.113.10", officer.email, PASSWORD)
    waited = re.search(r"wait (\d+) seconds? before you try again", refused.content.decode())
    assert waited and 2 <= int(waited.group(1)) <= 4
    # Whoever waits gets their attempt: the officer signs in.
    LoginFailure.objects.update(attempted_at=now - timedelta(seconds=5))
    client, response = attempt("203.0.113.10", officer.email, PASSWORD)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(officer.pk)


def test_the_slow_down_never_exceeds_its_maximum(officer, settings):
    settings.CUSTODIA_LOGIN_SLOWDOWN_AFTER = 2
    settings.CUSTODIA_LOGIN_SLOWDOWN_MAX_SECONDS = 30
    now = timezone.now()
    LoginFailure.objects.bulk_create(
        LoginFailure(username=officer.email, ip_address=f"198.51.100.{n % 250 + 1}", attempted_at=now)
        for n in range(200)
    )
    _client, refused = attempt("203.0.113.10", officer.email, PASSWORD)
    waited = re.search(r"wait (\d+) seconds? before you try again", refused.content.decode())
    assert waited and 20 <= int(waited.group(1)) <= 30  # capped: 2**198 seconds would be forever
    LoginFailure.objects.update(attempted_at=now - timedelta(seconds=31))
    _client, response = attempt("203.0.113.10", officer.email, PASSWORD)
    assert response.status_code == 302


def test_reset_e_mails_are_throttled_per_address_with_the_same_answer(officer, settings):
    settings.CUSTODIA_RESET_EMAILS_PER_ACCOUNT = 3
    answers = []
    for n in range(5):
        response = Client(REMOTE_ADDR=f"192.0.2.{n + 1}").post(RESET, {"email": officer.email})
        answers.append((response.status_code, response["Location"]))
    assert set(answers) == {(302, "/en/accounts/password/reset/sent/")}  # nothing tells the two apart
    assert len(mail.outbox) == 3 and {m.to[0] for m in mail.outbox} == {officer.email}


def test_reset_requests_are_throttled_per_ip(officer, settings):
    settings.CUSTODIA_RESET_REQUESTS_PER_IP = 4
    client = Client(REMOTE_ADDR="198.51.100.9")
    for n in range(4):
        assert client.post(RESET, {"email": f"someone{n}@example.test"}).status_code == 302
    response = client.post(RESET, {"email": officer.email})
    assert response.status_code == 429
    assert "Too many password reset requests from your network" in response.content.decode()
    assert mail.outbox == []  # none of those addresses had an account, and the officer's request was refused
    assert Client(REMOTE_ADDR="203.0.113.10").post(RESET, {"email": officer.email}).status_code == 302
    assert len(mail.outbox) == 1
