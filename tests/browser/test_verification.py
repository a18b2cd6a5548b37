"""The public verification page in a real browser: open it from the code, reveal the name with the surname."""

import pytest
from django.utils import timezone

from tests.browser.conftest import run_axe, save_axe_report, serious_violations


@pytest.fixture
def certificate(courses, settings, tmp_path, monkeypatch):
    from decimal import Decimal

    from accounts.models import User
    from certificates.models import Accreditation
    from certificates.services import issue_certificate
    from courses.models import CoursePage
    from learning.enrolment import enrol
    from learning.models import CourseCompletion
    from organisations.models import Academy, Membership, Role

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr("certificates.pdf.render_pdf", lambda certificate, **kwargs: b"%PDF-1.7\n%%EOF\n")
    course = CoursePage.objects.get(slug="police-basics")
    academy = Academy.objects.create(
        slug="lagos", name="Lagos Police Academy", name_en="Lagos Police Academy", name_ar="أكاديمية شرطة لاغوس"
    )
    officer = User.objects.create_user(
        "daniel@example.test", "x-strong-pass", full_name="Daniel Okafor", last_name="Okafor"
    )
    Membership.objects.create(academy=academy, user=officer, role=Role.OFFICER)
    accreditation = Accreditation.objects.create(
        academy=academy,
        course=course,
        number="LPA-1",
        contact_hours=Decimal("12"),
        valid_from=timezone.localdate() - timezone.timedelta(days=1),
    )
    enrolment = enrol(officer, course, check_policy=False)[0]
    completion = CourseCompletion.objects.create(
        enrolment=enrolment,
        user=officer,
        course=course,
        cycle=1,
        course_title=course.title,
        language="en",
        completed_at=timezone.now(),
        score=Decimal("90"),
        hours=course.estimated_hours,
    )
    return issue_certificate(completion, accreditation)[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_verify_from_the_code_and_reveal_the_name(live_server, certificate, page, screenshot):
    page.goto(f"{live_server.url}/en/verify/")
    page.get_by_label("Verification code").fill(certificate.grouped_code.lower())
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/en/verify/*/")
    assert page.get_by_role("heading", name="Valid certificate").is_visible()
    assert page.locator(".holder-name").inner_text() == "D***** O*****"
    assert "Daniel Okafor" not in page.content()
    screenshot("verification-masked-en")
    violations = run_axe(page)
    save_axe_report("verification-en", violations)
    assert not serious_violations(violations)

    page.get_by_label("Officer's surname").fill("okafor")
    page.get_by_role("button", name="Show the full name").click()
    page.wait_for_load_state()
    assert page.locator(".holder-name").inner_text() == "Daniel Okafor"
    screenshot("verification-revealed-en")

    page.goto(f"{live_server.url}/ar/verify/{certificate.grouped_code}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "أكاديمية شرطة لاغوس" in page.content()
    screenshot("verification-ar")
