"""Academies, accreditations and completions for the certificate tests.

Rendering a PDF takes a fraction of a second: most tests get a stub PDF; the tests that look at
the PDF itself ask for the ``real_pdf`` fixture.
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from certificates.models import Accreditation
from learning.enrolment import enrol
from learning.models import CourseCompletion
from organisations.models import Academy, Membership, Role, Signatory

ACADEMY_NAMES = {
    "name_en": "Lagos Police Academy",
    "name_fr": "Académie de police de Lagos",
    "name_es": "Academia de Policía de Lagos",
    "name_ru": "Полицейская академия Лагоса",
    "name_ar": "أكاديمية شرطة لاغوس",
    "name_zh_hans": "拉各斯警察学院",
}
STUB_PDF = b"%PDF-1.7\n% stub for tests that do not look at the PDF\n%%EOF\n"


@pytest.fixture(autouse=True)
def _stub_pdf(request, monkeypatch):
    if "real_pdf" not in request.fixturenames:
        monkeypatch.setattr("certificates.pdf.render_pdf", lambda certificate, **kwargs: STUB_PDF)


@pytest.fixture
def real_pdf():
    """Ask for this fixture to render real PDFs with WeasyPrint."""
    return True


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_academy(slug="lagos-police-academy", **names):
    academy = Academy.objects.create(
        slug=slug, name=names.get("name_en", ACADEMY_NAMES["name_en"]), country="NG", **(names or ACADEMY_NAMES)
    )
    Signatory.objects.create(academy=academy, name="Ngozi Adeyemi", title="Commandant", sort_order=0)
    return academy


@pytest.fixture
def academy(db):
    return make_academy()


@pytest.fixture
def other_academy(db):
    return make_academy("nairobi-academy", name_en="Nairobi Judicial Academy")


@pytest.fixture
def accreditation(academy, police_course):
    return Accreditation.objects.create(
        academy=academy,
        course=police_course,
        number="LPA-2026-001",
        contact_hours=Decimal("12.0"),
        valid_from=timezone.localdate() - timezone.timedelta(days=30),
    )


@pytest.fixture
def member(academy):
    user = User.objects.create_user(
        "daniel@example.test",
        "a-strong-pass-phrase",
        full_name="Daniel Okafor",
        first_name="Daniel",
        last_name="Okafor",
        preferred_language="en",
    )
    Membership.objects.create(academy=academy, user=user, role=Role.OFFICER)
    return user


@pytest.fixture
def academy_admin(academy):
    user = User.objects.create_user("admin@lpa.example.test", "a-strong-pass-phrase", full_name="María Fernández")
    Membership.objects.create(academy=academy, user=user, role=Role.ADMIN)
    return user


def record_completion(user, course, *, language="en", expires_at=None, score=Decimal("87.50"), completed_at=None):
    """A completion snapshot as learning records it (created directly: rules are learning's business)."""
    enrolment = enrol(user, course, check_policy=False)[0]
    return CourseCompletion.objects.create(
        enrolment=enrolment,
        user=user,
        course=course,
        cycle=enrolment.cycle,
        course_title=course.title,
        course_revision_id=course.live_revision_id,
        language=language,
        completed_at=completed_at or timezone.now(),
        score=score,
        hours=course.estimated_hours,
        expires_at=expires_at,
    )


@pytest.fixture
def issued(member, police_course, accreditation, django_capture_on_commit_callbacks):
    """A completion by a member, and the certificate its task issued."""
    with django_capture_on_commit_callbacks(execute=True):
        completion = record_completion(member, police_course)
    return completion.certificates.get()
