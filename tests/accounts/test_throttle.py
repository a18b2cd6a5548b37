from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from django.utils import timezone

from accounts.models import LoginFailure

pytestmark = pytest.mark.django_db

PASSWORD = "a-strong-pass-phrase"
LOCKED = "Too many failed sign-in attempts"


def fail(client, email, url="/en/accounts/login/"):
    return client.post(url, {"username": email, "password": "wrong-guess"})


def test_account_is_locked_after_repeated_failures_and_recovers(client, officer, settings):
    settings.CUSTODIA_LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        response = fail(client, officer.email)
        assert LOCKED not in response.content.decode()
    # Counters are rows in the database, so every app process sees them.
    assert LoginFailure.objects.filter(username=officer.email).count() == 3

    # Even the right password is refused now, with a clear message, from the address that guessed.
    response = client.post("/en/accounts/login/", {"username": officer.email.upper(), "password": PASSWORD})
    assert response.status_code == 200
    html = response.content.decode()
    assert LOCKED in html
    assert "15 minutes" in html
    assert 'role="alert"' in html
    assert "_auth_user_id" not in client.session
    assert LoginFailure.objects.filter(username=officer.email).count() == 3  # refusals are not counted
    # The officer, from their own address, is not locked out by someone else's guesses.
    other = Client(REMOTE_ADDR="192.0.2.50")
    assert other.post("/en/accounts/login/", {"username": officer.email, "password": PASSWORD}).status_code == 302
    other.logout()

    # When the period has passed, the guessing address may try again.
    for _ in range(3):
        fail(client, officer.email)
    period = timedelta(seconds=settings.CUSTODIA_LOGIN_LOCKOUT_SECONDS)
    LoginFailure.objects.update(attempted_at=timezone.now() - period)
    response = client.post("/en/accounts/login/", {"username": officer.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)
    assert not LoginFailure.objects.filter(username=officer.email).exists()


def test_success_before_the_limit_resets_the_count(client, officer, settings):
    settings.CUSTODIA_LOGIN_FAILURE_LIMIT = 3
    fail(client, officer.email)
    fail(client, officer.email)
    assert client.post("/en/accounts/login/", {"username": officer.email, "password": PASSWORD}).status_code == 302
    client.logout()
    fail(client, officer.email)
    fail(client, officer.email)
    assert client.post("/en/accounts/login/", {"username": officer.email, "password": PASSWORD}).status_code == 302


def test_one_address_guessing_many_accounts_is_locked(officer, settings):
    settings.CUSTODIA_LOGIN_IP_FAILURE_LIMIT = 4
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(4):
        fail(attacker, f"someone{n}@example.test")
    response = attacker.post("/en/accounts/login/", {"username": officer.email, "password": PASSWORD})
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in attacker.session

    # The officer, elsewhere, is not affected.
    colleague = Client(REMOTE_ADDR="203.0.113.20")
    assert colleague.post("/en/accounts/login/", {"username": officer.email, "password": PASSWORD}).status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_address_counts(officer, settings):
    settings.CUSTODIA_LOGIN_IP_FAILURE_LIMIT = 2
    settings.CUSTODIA_TRUSTED_PROXY_COUNT = 1
    for n in range(2):
        client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.4, 198.51.100.{n + 1}")
        fail(client, f"x{n}@example.test")
    assert set(LoginFailure.objects.values_list("ip_address", flat=True)) == {"198.51.100.1", "198.51.100.2"}
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert client.post("/en/accounts/login/", {"username": officer.email, "password": PASSWORD}).status_code == 302


def test_wagtail_admin_login_is_throttled_too(client, trainer, settings):
    settings.CUSTODIA_LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        fail(client, trainer.email, url="/admin/login/")
    response = client.post("/admin/login/", {"username": trainer.email, "password": PASSWORD})
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The lock is per account, whichever form counted the failures.
    response = client.post("/en/accounts/login/", {"username": trainer.email, "password": PASSWORD})
    assert LOCKED in response.content.decode()


def test_authenticate_without_a_request_is_not_throttled(officer, settings):
    settings.CUSTODIA_LOGIN_FAILURE_LIMIT = 1
    LoginFailure.objects.create(username=officer.email, ip_address="192.0.2.1")
    assert authenticate(username=officer.email, password=PASSWORD) == officer  # e.g. management commands


def test_commands_lift_a_lockout_and_reset_an_authenticator(officer, trainer):
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    LoginFailure.objects.create(username=officer.email, ip_address="192.0.2.1")
    LoginFailure.objects.create(username="other@example.test", ip_address="192.0.2.2")
    LoginFailure.objects.create(username="third@example.test", ip_address="192.0.2.3")
    call_command("clear_login_failures", "OFFICER@example.test", "192.0.2.2", stdout=StringIO())
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["third@example.test"]
    call_command("clear_login_failures", "--all", stdout=StringIO())
    assert not LoginFailure.objects.exists()

    TOTPDevice.objects.create(user=trainer, name="phone", confirmed=True)
    call_command("reset_two_factor", trainer.email, stdout=StringIO())
    assert not TOTPDevice.objects.exists()
