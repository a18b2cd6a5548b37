"""The review's probe, run again: a superuser signed in with a password alone (production setting
``CUSTODIA_REQUIRE_STAFF_2FA``) minted API tokens for any academy, read another academy's
transcripts, started exports and revoked certificates. Now each is sent to the code page and
changes nothing; after a code (or a recovery code) in the same session, each works. Academy
administrators and trainers are asked too; officers never."""

import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from academies.models import ApiToken, ExportJob
from accounts import twofactor
from certificates.models import Certificate

pytestmark = pytest.mark.django_db
VERIFY = "/en/accounts/two-factor/verify/"
SETUP = "/en/accounts/two-factor/setup/"


@pytest.fixture(autouse=True)
def production_two_factor(settings):
    settings.CUSTODIA_REQUIRE_STAFF_2FA = True


def password_only(user):
    client = Client()
    response = client.post("/en/accounts/login/", {"username": user.email, "password": "a-strong-pass-phrase"})
    assert response.status_code == 302
    return client


def authenticator(user):
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def current_code(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def attacks(client, academy, other_academy, officer, certificate):
    """The four probes of the review; returns their responses."""
    return [
        client.post("/en/academies/api-tokens/", {"academy": other_academy.pk, "name": "x", "scopes": ["officers"]}),
        client.get(f"/en/academies/{academy.slug}/officers/{officer.pk}/transcript.json"),
        client.post(f"/en/academies/{academy.slug}/exports/", {"format": "csv"}),
        client.post(f"/en/academies/certificates/{certificate.uuid}/revoke/", {"reason": "probe"}),
    ]


def test_a_password_alone_no_longer_opens_tokens_transcripts_exports_or_revocation(
    superuser, academy, other_academy, member, issued
):
    authenticator(superuser)
    client = password_only(superuser)
    for response in attacks(client, academy, other_academy, member, issued):
        assert response.status_code == 302 and response["Location"].startswith(VERIFY + "?next=/en/academies/")
    assert not ApiToken.objects.exists() and not ExportJob.objects.exists()
    assert Certificate.objects.get(pk=issued.pk).revoked_at is None
    # The JSON status a page polls gets a JSON refusal, not a redirect to a form.
    response = client.get(f"/en/academies/{academy.slug}/officers/", HTTP_ACCEPT="application/json")
    assert response.status_code == 403 and response.json()["error"] == "two_factor_required"


def test_after_a_code_in_the_same_session_the_same_requests_work(superuser, academy, other_academy, member, issued):
    device = authenticator(superuser)
    client = password_only(superuser)
    response = client.post(VERIFY, {"otp_token": current_code(device), "next": "/en/academies/"})
    assert response.status_code == 302 and response["Location"] == "/en/academies/"
    minted, transcript, export, revoked = attacks(client, academy, other_academy, member, issued)
    assert minted.status_code == 200 and ApiToken.objects.get().academy == other_academy
    assert transcript.status_code == 200 and transcript.json()["officer"]["email"] == member.email
    assert export.status_code == 302 and ExportJob.objects.count() == 1
    assert Certificate.objects.get(pk=issued.pk).revoked_at is not None
    # A new sign-in is a new session: the code is asked again.
    again = password_only(superuser)
    assert again.get(f"/en/academies/{academy.slug}/officers/").status_code == 302


def test_academy_administrators_and_trainers_need_a_code_officers_never(academy_admin, trainer_a, member, academy):
    for staff in (academy_admin, trainer_a):
        client = password_only(staff)
        response = client.get(f"/en/academies/{academy.slug}/reports/")
        assert response.status_code == 302 and response["Location"].startswith(SETUP)  # no authenticator yet
        assert twofactor.is_privileged(staff)
    officer = password_only(member)
    assert not twofactor.is_privileged(member)
    assert officer.get("/en/learning/").status_code == 200
    assert officer.get(f"/en/academies/{academy.slug}/reports/").status_code == 404  # refused, not asked a code
    assert not TOTPDevice.objects.exists()


def test_recovery_codes_are_shown_once_stored_hashed_and_work_once(academy_admin, academy):
    client = password_only(academy_admin)
    response = client.get(SETUP)
    device = TOTPDevice.objects.get(user=academy_admin, confirmed=False)
    response = client.post(SETUP, {"otp_token": current_code(device), "next": f"/en/academies/{academy.slug}/"})
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    import re

    codes = re.findall(r"<li><code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code></li>", html)
    assert len(codes) == 10 and len(set(codes)) == 10
    from accounts.models import RecoveryCode

    stored = set(RecoveryCode.objects.values_list("digest", flat=True))
    import hashlib

    assert stored == {hashlib.sha256(code.replace("-", "").encode()).hexdigest() for code in codes}
    assert not any(code.replace("-", "") in digest for code in codes for digest in stored)  # never in clear

    # Phone lost: a new session signs in with a recovery code (spaces and capitals forgiven)...
    lost = password_only(academy_admin)
    target = f"/en/academies/{academy.slug}/reports/"
    response = lost.post(VERIFY, {"otp_token": codes[0].upper().replace("-", " "), "next": target})
    assert response.status_code == 302 and response["Location"] == target
    assert lost.get(target).status_code == 200
    assert twofactor.recovery_codes_left(academy_admin) == 9
    # ... and that code never works again.
    replay = password_only(academy_admin)
    response = replay.post(VERIFY, {"otp_token": codes[0], "next": target})
    assert response.status_code == 200 and replay.get(target).status_code == 302
    # New codes replace the old ones (from a verified session only).
    response = lost.post("/en/accounts/two-factor/recovery-codes/")
    assert response.status_code == 200 and twofactor.recovery_codes_left(academy_admin) == 10
    assert replay.post(VERIFY, {"otp_token": codes[1], "next": target}).status_code == 200  # old codes are gone
    assert password_only(academy_admin).get("/en/accounts/two-factor/recovery-codes/").status_code == 302


def test_reset_two_factor_removes_the_authenticator_and_the_recovery_codes(academy_admin):
    from django.core.management import call_command

    authenticator(academy_admin)
    twofactor.new_recovery_codes(academy_admin)
    call_command("reset_two_factor", academy_admin.email.upper())
    assert not TOTPDevice.objects.filter(user=academy_admin).exists()
    assert twofactor.recovery_codes_left(academy_admin) == 0
