"""Issuing: exactly once per completion and accreditation, frozen at issue, expiry, protection."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from accounts.models import User
from certificates.models import Accreditation, AccreditationStatus, Certificate, CertificateEvent, EventAction
from certificates.services import issue_certificate, issue_for_completion
from learning.models import CourseCompletion
from organisations.models import Membership, Role
from tests.certificates.conftest import STUB_PDF, record_completion

pytestmark = pytest.mark.django_db


def test_a_completion_issues_one_certificate_through_the_task(issued, member, accreditation):
    assert Certificate.objects.count() == 1
    assert issued.user == member
    assert issued.accreditation == accreditation
    assert issued.academy == accreditation.academy
    assert issued.pdf.read() == STUB_PDF
    assert issued.credential_jwt.count(".") == 2
    event = CertificateEvent.objects.get(certificate=issued)
    assert event.action == EventAction.ISSUED


def test_issuing_again_changes_nothing(issued):
    completion = issued.completion
    again = issue_for_completion(completion.pk)
    assert again == [issued]
    certificate, created = issue_certificate(completion, issued.accreditation)
    assert (certificate, created) == (issued, False)
    assert Certificate.objects.count() == 1
    assert CertificateEvent.objects.count() == 1


def test_the_database_refuses_a_second_certificate(issued):
    duplicate = Certificate.objects.get(pk=issued.pk)
    duplicate.pk = None
    duplicate.uuid = None
    duplicate.code = "2222222222222"
    duplicate.status_list_index = (issued.status_list_index + 1) % 131072
    import uuid

    duplicate.uuid = uuid.uuid4()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save(force_insert=True)


def test_one_certificate_per_accreditation(
    member, police_course, accreditation, other_academy, django_capture_on_commit_callbacks
):
    Accreditation.objects.create(
        academy=other_academy,
        course=police_course,
        number="NJA-7",
        contact_hours=Decimal("10"),
        valid_from=timezone.localdate() - timezone.timedelta(days=1),
    )
    Membership.objects.create(academy=other_academy, user=member, role=Role.OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        completion = record_completion(member, police_course)
    assert completion.certificates.count() == 2
    assert {c.academy for c in completion.certificates.all()} == {accreditation.academy, other_academy}


def test_no_certificate_for_non_members_or_accreditations_not_in_force(
    officer, member, police_course, accreditation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record_completion(officer, police_course)  # not a member
    assert not Certificate.objects.exists()
    Accreditation.objects.filter(pk=accreditation.pk).update(status=AccreditationStatus.SUSPENDED)
    with django_capture_on_commit_callbacks(execute=True):
        record_completion(member, police_course)
    assert not Certificate.objects.exists()


def test_an_officer_may_choose_an_academy_open_to_all(
    client, officer, police_course, accreditation, django_capture_on_commit_callbacks
):
    accreditation.open_to_all = True
    accreditation.save()
    with django_capture_on_commit_callbacks(execute=True):
        completion = record_completion(officer, police_course)
    assert not Certificate.objects.exists()
    client.force_login(officer)
    page = client.get("/en/certificates/")
    assert "Request this certificate" in page.content.decode()
    response = client.post(
        "/en/certificates/choose/", {"completion": completion.uuid, "accreditation": accreditation.uuid}
    )
    assert response.status_code == 302
    assert Certificate.objects.get().user == officer
    # Choosing twice, or someone else's completion, issues nothing more.
    client.post("/en/certificates/choose/", {"completion": completion.uuid, "accreditation": accreditation.uuid})
    assert Certificate.objects.count() == 1
    intruder = User.objects.create_user("intruder@example.test", "a-strong-pass-phrase")
    client.force_login(intruder)
    response = client.post(
        "/en/certificates/choose/", {"completion": completion.uuid, "accreditation": accreditation.uuid}
    )
    assert response.status_code == 404


def test_the_certificate_freezes_everything_at_issue(issued, member, police_course, academy):
    frozen = Certificate.objects.get(pk=issued.pk)
    snapshot = (
        frozen.holder_name,
        frozen.course_titles,
        frozen.academy_names,
        frozen.hours,
        frozen.signatories,
        frozen.credential_jwt,
        frozen.pdf.name,
        frozen.score,
        frozen.accreditation_number,
    )
    assert frozen.holder_name == "Daniel Okafor"
    assert frozen.course_titles["ar"] == "قيم التجزئة (P)"
    assert frozen.course_titles["zh-hans"] == "哈希值 (P)"
    assert frozen.academy_names["fr"] == "Académie de police de Lagos"
    assert frozen.signatories == [{"name": "Ngozi Adeyemi", "title": "Commandant", "signature_image_id": None}]

    member.full_name = "Daniel O. Okafor-Smith"
    member.save()
    police_course.title_en = "Renamed course"
    police_course.title_ar = "دورة أخرى"
    police_course.save()
    academy.name_fr = "Autre nom"
    academy.save()
    academy.signatories.update(name="Someone Else")
    Accreditation.objects.filter(pk=issued.accreditation_id).update(contact_hours=Decimal("99"), number="CHANGED")

    again = Certificate.objects.get(pk=issued.pk)
    assert (
        again.holder_name,
        again.course_titles,
        again.academy_names,
        again.hours,
        again.signatories,
        again.credential_jwt,
        again.pdf.name,
        again.score,
        again.accreditation_number,
    ) == snapshot


def test_the_completion_snapshot_cannot_change_under_the_certificate(issued):
    completion = CourseCompletion.objects.get(pk=issued.completion_id)
    with pytest.raises(Exception):  # noqa: B017 - learning refuses any update of a completion
        completion.save()


def test_expiry_follows_the_completion(member, police_course, accreditation, django_capture_on_commit_callbacks):
    expires = timezone.now() + timezone.timedelta(days=365)
    with django_capture_on_commit_callbacks(execute=True):
        completion = record_completion(member, police_course, expires_at=expires)
    certificate = completion.certificates.get()
    assert certificate.expires_at == expires
    assert certificate.verdict() == "valid"
    assert certificate.verdict(now=expires + timezone.timedelta(seconds=1)) == "expired"


def test_certificates_are_never_deleted(issued):
    with pytest.raises(ProtectedError):
        issued.delete()
    with pytest.raises(ProtectedError):
        Certificate.objects.all().delete()
    with pytest.raises(ProtectedError):
        issued.accreditation.delete()
    assert Certificate.objects.filter(pk=issued.pk).exists()


def test_credit_conversions(accreditation):
    assert accreditation.contact_hours == Decimal("12.0")
    assert accreditation.ceu == Decimal("1.20")
    assert accreditation.ects == Decimal("0.48")
