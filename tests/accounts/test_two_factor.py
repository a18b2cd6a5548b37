import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "a-strong-pass-phrase"
SETUP = "/en/accounts/two-factor/setup/"
VERIFY = "/en/accounts/two-factor/verify/"


def code(device, steps_ahead=0):
    """The code an authenticator app shows now (or ``steps_ahead`` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def two_factor_on(settings):
    settings.CUSTODIA_REQUIRE_STAFF_2FA = True


def enrol(client):
    """Enrol an authenticator from the set-up page, as a trainer would."""
    response = client.get(SETUP)
    assert response.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(SETUP, {"otp_token": code(device), "next": "/admin/"})
    assert response.status_code == 200, response.content.decode()
    assert 'class="recovery-codes"' in response.content.decode()  # shown once, right after enrolment
    device.refresh_from_db()
    assert device.confirmed
    return device


def password_login_at_admin(trainer):
    client = Client()
    response = client.post("/admin/login/", {"username": trainer.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(trainer.pk)
    return client


def test_staff_without_an_authenticator_must_enrol_before_the_admin(client, trainer, two_factor_on):
    client.force_login(trainer)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=/admin/"

    response = client.get(SETUP + "?next=/admin/")
    html = response.content.decode()
    assert "<svg" in html  # the QR code, drawn on the server
    device = TOTPDevice.objects.get(user=trainer, confirmed=False)
    assert device.config_url.startswith("otpauth://totp/Custodia%3Atrainer%40example.test?secret=")
    assert 'autocomplete="one-time-code"' in html

    # A wrong code enrols nothing.
    wrong = f"{(int(code(device)) + 1) % 1000000:06d}"
    response = client.post(SETUP, {"otp_token": wrong, "next": "/admin/"})
    assert response.status_code == 200
    assert 'id="id_otp_token_error"' in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post(SETUP, {"otp_token": code(device), "next": "/admin/"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert '<a class="button" href="/admin/">' in response.content.decode()
    assert client.get("/admin/").status_code == 200


def test_after_the_password_staff_enter_a_code_before_the_admin(client, trainer, two_factor_on):
    client.force_login(trainer)
    device = enrol(client)

    staff = password_login_at_admin(trainer)
    response = staff.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert staff.get("/admin/pages/").status_code == 302  # every admin page, not just the dashboard

    # A wrong code keeps the door shut.
    response = staff.post(VERIFY, {"otp_token": "000000" if code(device, 1) != "000000" else "111111"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert staff.get("/admin/").status_code == 302

    # The code the app shows next period (codes are single use: enrolment spent this one).
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = staff.post(VERIFY, {"otp_token": code(device, 1), "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert staff.get("/admin/").status_code == 200

    # Replaying the same code in a new session fails.
    again = password_login_at_admin(trainer)
    response = again.post(VERIFY, {"otp_token": code(device, 1), "next": "/admin/"})
    assert response.status_code == 200
    assert again.get("/admin/").status_code == 302


def test_repeated_wrong_codes_are_throttled(client, trainer, two_factor_on):
    client.force_login(trainer)
    device = enrol(client)
    staff = password_login_at_admin(trainer)
    for _ in range(2):
        staff.post(VERIFY, {"otp_token": "000000" if code(device, 1) != "000000" else "111111"})
    response = staff.post(VERIFY, {"otp_token": code(device, 1)})
    assert response.status_code == 200
    assert "Too many wrong codes" in response.content.decode()


def test_the_site_login_leads_staff_to_the_code_page_for_the_admin(trainer, two_factor_on, client):
    client.force_login(trainer)
    enrol(client)
    staff = Client()
    response = staff.post(
        "/en/accounts/login/", {"username": trainer.email, "password": PASSWORD, "next": "/admin/"}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith(VERIFY)


def test_replacing_an_authenticator_needs_the_current_one(client, trainer, two_factor_on):
    client.force_login(trainer)
    enrol(client)
    staff = password_login_at_admin(trainer)
    response = staff.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=trainer).count() == 1


def test_without_the_setting_staff_go_straight_to_the_admin(client, trainer, settings):
    settings.CUSTODIA_REQUIRE_STAFF_2FA = False
    staff = password_login_at_admin(trainer)
    assert staff.get("/admin/").status_code == 200
    # They may still enrol voluntarily from their profile.
    staff.force_login(trainer)
    html = staff.get("/en/accounts/profile/").content.decode()
    assert "Two-factor authentication" in html
    assert SETUP in html


@pytest.mark.parametrize("required", [True, False])
def test_officers_are_never_asked(client, officer, settings, required):
    settings.CUSTODIA_REQUIRE_STAFF_2FA = required
    response = client.post("/en/accounts/login/", {"username": officer.email, "password": PASSWORD})
    assert response.status_code == 302
    assert not response["Location"].startswith("/en/accounts/two-factor/")
    assert client.get("/en/accounts/profile/").status_code == 200
    # An officer who wanders to /admin/ meets Wagtail's own refusal, not a 2FA prompt.
    response = client.get("/admin/")
    assert "two-factor" not in response.get("Location", "")
    assert client.get(SETUP).status_code == 403
    assert client.get(VERIFY + "?next=/en/").status_code == 302
    assert not TOTPDevice.objects.exists()
