"""Academies: translated names, memberships, scoping, revocation and reissue with an audit trail,
object-level checks on downloads, the admin's certificate preview, and the demo certificate."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from accounts.models import User
from certificates.models import Certificate, CertificateEvent, EventAction, SigningKey
from certificates.verification import verify_credential
from organisations.access import MANAGE, academies_for
from organisations.models import Academy, Membership, Role

pytestmark = pytest.mark.django_db


def test_the_academy_name_is_translated(academy):
    for code, expected in (
        ("en", "Lagos Police Academy"),
        ("ar", "أكاديمية شرطة لاغوس"),
        ("zh-hans", "拉各斯警察学院"),
    ):
        with translation.override(code):
            assert Academy.objects.get(pk=academy.pk).name == expected


def test_one_membership_per_academy_and_user(academy, member):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(academy=academy, user=member, role=Role.ADMIN)


def test_scoping(academy, other_academy, academy_admin, member):
    assert list(academies_for(academy_admin, MANAGE)) == [academy]
    assert not academies_for(member, MANAGE).exists()
    superuser = User.objects.create_superuser("root@example.test", "a-strong-pass-phrase")
    assert set(academies_for(superuser, MANAGE)) == {academy, other_academy}


def test_an_academy_admin_revokes_with_a_reason_and_an_audit_trail(client, issued, academy_admin):
    client.force_login(academy_admin)
    listing = client.get("/en/academies/certificates/").content.decode()
    assert issued.grouped_code in listing
    refused = client.post(f"/en/academies/certificates/{issued.uuid}/revoke/", {"reason": ""})
    assert refused.status_code == 400
    assert not Certificate.objects.get(pk=issued.pk).is_revoked
    response = client.post(f"/en/academies/certificates/{issued.uuid}/revoke/", {"reason": "Identity fraud"})
    assert response.status_code == 302
    revoked = Certificate.objects.get(pk=issued.pk)
    assert revoked.is_revoked and revoked.revoked_reason == "Identity fraud" and revoked.revoked_by == academy_admin
    event = CertificateEvent.objects.get(certificate=issued, action=EventAction.REVOKED)
    assert (event.actor, event.reason) == (academy_admin, "Identity fraud")
    detail = client.get(f"/en/academies/certificates/{issued.uuid}/").content.decode()
    assert "Identity fraud" in detail and academy_admin.email in detail
    assert verify_credential(issued.credential_jwt).verdict == "revoked"


def test_reissue_keeps_the_old_certificate_and_snapshots_again(client, issued, academy_admin, member):
    member.full_name = "Daniel Chukwuemeka Okafor"
    member.save()
    client.force_login(academy_admin)
    client.post(f"/en/academies/certificates/{issued.uuid}/reissue/", {"reason": "Name corrected"})
    old = Certificate.objects.get(pk=issued.pk)
    new = Certificate.objects.get(replaces=old)
    assert old.is_revoked and old.holder_name == "Daniel Okafor"
    assert new.holder_name == "Daniel Chukwuemeka Okafor" and not new.is_revoked
    assert new.code != old.code and new.status_list_index != old.status_list_index
    assert [e.action for e in CertificateEvent.objects.filter(certificate=old)] == ["issued", "reissued"]
    assert CertificateEvent.objects.get(certificate=new).details == {"replaces": old.grouped_code}
    assert verify_credential(new.credential_jwt).verdict == "valid"
    # Reissuing a revoked certificate is refused.
    client.post(f"/en/academies/certificates/{old.uuid}/reissue/", {"reason": "again"})
    assert Certificate.objects.count() == 2


def test_admins_act_only_on_their_academys_certificates(client, issued, other_academy, member):
    stranger = User.objects.create_user("stranger@example.test", "a-strong-pass-phrase")
    Membership.objects.create(academy=other_academy, user=stranger, role=Role.ADMIN)
    client.force_login(stranger)
    assert issued.grouped_code not in client.get("/en/academies/certificates/").content.decode()
    assert client.get(f"/en/academies/certificates/{issued.uuid}/").status_code == 404
    assert client.post(f"/en/academies/certificates/{issued.uuid}/revoke/", {"reason": "x"}).status_code == 404
    assert not Certificate.objects.get(pk=issued.pk).is_revoked
    # A trainer or officer of the academy is not an administrator.
    client.force_login(member)
    assert client.get("/en/academies/certificates/").status_code == 403


def test_officers_download_only_their_own(client, issued, officer):
    client.logout()
    assert client.get(f"/en/certificates/{issued.uuid}/certificate.pdf").status_code == 302  # log in first
    client.force_login(officer)
    assert client.get(f"/en/certificates/{issued.uuid}/certificate.pdf").status_code == 404
    assert client.get(f"/en/certificates/{issued.uuid}/open-badge.jwt").status_code == 404
    client.force_login(issued.user)
    pdf = client.get(f"/en/certificates/{issued.uuid}/certificate.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    jwt = client.get(f"/en/certificates/{issued.uuid}/open-badge.jwt")
    assert jwt.content.decode() == issued.credential_jwt


def test_the_admin_previews_a_certificate_without_saving(client, academy, real_pdf):
    admin = User.objects.create_superuser("root@example.test", "a-strong-pass-phrase")
    client.force_login(admin)
    counts = (Certificate.objects.count(), SigningKey.objects.count(), CertificateEvent.objects.count())
    response = client.get(f"/admin/academies/{academy.pk}/certificate-preview/?language=ar")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert (Certificate.objects.count(), SigningKey.objects.count(), CertificateEvent.objects.count()) == counts
    listing = client.get("/admin/snippets/organisations/academy/").content.decode()
    assert f"/admin/academies/{academy.pk}/certificate-preview/" in listing
    officer = User.objects.create_user("o@example.test", "a-strong-pass-phrase")
    client.force_login(officer)
    assert client.get(f"/admin/academies/{academy.pk}/certificate-preview/").status_code in (302, 403)


def test_the_demo_certificate_is_idempotent(db):
    from accounts.demo import ensure_demo_accounts
    from certificates.demo import ensure_demo_certificate
    from courses.demo.loader import load_demo_courses

    with translation.override("en"):
        load_demo_courses()
    ensure_demo_accounts()
    code = ensure_demo_certificate()
    assert ensure_demo_certificate() == code
    certificate = Certificate.objects.get(code=code)
    assert certificate.user.email == "officer@example.org"
    assert certificate.academy.name_en == "Demo Police Academy"
    assert certificate.academy.name_ar
    assert certificate.holder_name == "Daniel Okafor"
    assert Certificate.objects.count() == 1
    assert Membership.objects.get(user__email="academy@example.org").role == Role.ADMIN


def test_the_header_links_academy_staff_to_their_records(client, academy, trainer_a, officer_b):
    from organisations.models import Role
    from tests.academies.conftest import make_user

    link = 'href="/en/academies/"'
    for user, shown in (
        (trainer_a, True),
        (make_user("adm@example.test", academy, Role.ADMIN), True),
        (officer_b, False),
    ):
        client.force_login(user)
        assert (link in client.get("/en/learning/").content.decode()) is shown, user.email
    client.logout()
    assert link not in client.get("/en/learning/", follow=True).content.decode()
