"""Demo data: the Demo Police Academy accredits the police demo course, and the demo officer
(officer@example.org) has completed it and holds its certificate. Idempotent.

Called by ``manage.py load_demo`` (devtools) after the demo courses and accounts exist.
"""

from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from core.expiry import expires_after
from courses.tree import live_lessons
from organisations.models import Academy, Membership, Signatory

DEMO_ACADEMY_SLUG = "demo-police-academy"
DEMO_COURSE_SLUG = "electronic-evidence-chain-of-custody"
DEMO_OFFICER_EMAIL = "officer@example.org"
DEMO_ADMIN_EMAIL = "academy@example.org"
DEMO_ACCREDITATION_NUMBER = "DPA-EE-2026-01"
ACADEMY_NAMES = {
    "en": "Demo Police Academy",
    "fr": "Académie de police de démonstration",
    "es": "Academia de Policía de Demostración",
    "ru": "Демонстрационная полицейская академия",
    "ar": "أكاديمية الشرطة التجريبية",
    "zh_hans": "演示警察学院",
}


def ensure_demo_academy():
    User = apps.get_model("accounts", "User")
    names = {f"name_{code}": name for code, name in ACADEMY_NAMES.items()}
    academy, _created = Academy.objects.update_or_create(
        slug=DEMO_ACADEMY_SLUG, defaults={"name": ACADEMY_NAMES["en"], "country": "NG", **names}
    )
    if not academy.signatories.exists():
        Signatory.objects.create(academy=academy, name="Ngozi Adeyemi", title="Commandant", sort_order=0)
    for email, role in ((DEMO_OFFICER_EMAIL, "officer"), (DEMO_ADMIN_EMAIL, "admin")):
        user = User.objects.filter(email=email).first()
        if user is not None:
            Membership.objects.update_or_create(academy=academy, user=user, defaults={"role": role})
    return academy


def _record_completion(officer, course):
    """The officer's completion of ``course``, through learning's public functions when they can."""
    from learning import api as services
    from learning.models import CourseCompletion

    completion = CourseCompletion.objects.filter(user=officer, course=course).order_by("-completed_at").first()
    if completion is not None:
        return completion
    enrolment, _changed = services.enrol(officer, course, check_policy=False)
    for lesson in live_lessons(course):
        try:
            services.complete_lesson(officer, lesson, language=officer.preferred_language)
        except services.Refused:
            break
    completion = CourseCompletion.objects.filter(enrolment=enrolment).order_by("-completed_at").first()
    if completion is None:  # rules the demo cannot meet (quizzes, minimum time): record the snapshot directly
        now = timezone.now()
        completion = CourseCompletion.objects.create(
            enrolment=enrolment,
            user=officer,
            course=course,
            cycle=enrolment.cycle,
            course_title=course.title,
            course_revision_id=course.live_revision_id,
            language=officer.preferred_language,
            completed_at=now,
            score=Decimal("90.00"),
            hours=course.estimated_hours,
            expires_at=expires_after(now, course.validity_months),
        )
    return completion


def ensure_demo_certificate():
    """Give the demo officer one completed, accredited course and its certificate; return the code."""
    from certificates.models import Accreditation
    from certificates.services import issue_certificate
    from courses.models import CoursePage

    User = apps.get_model("accounts", "User")
    officer = User.objects.get(email=DEMO_OFFICER_EMAIL)
    course = CoursePage.objects.get(slug=DEMO_COURSE_SLUG)
    with transaction.atomic():
        academy = ensure_demo_academy()
        accreditation, _created = Accreditation.objects.get_or_create(
            academy=academy,
            number=DEMO_ACCREDITATION_NUMBER,
            defaults={
                "course": course,
                "contact_hours": course.estimated_hours or Decimal("6"),
                "valid_from": timezone.localdate() - timezone.timedelta(days=365),
            },
        )
        completion = _record_completion(officer, course)
    # Issued now (not left to a worker) so the demo has its certificate at once; the task finds it.
    certificate, _created = issue_certificate(completion, accreditation)
    return certificate.code


def demo_step():
    """The ``load_demo`` step for certificates: the demo officer's certificate and its code."""
    from certificates.codes import grouped

    code = grouped(ensure_demo_certificate())
    return [f"Demo certificate of officer@example.org: {code} (verify at http://127.0.0.1:8000/en/verify/{code}/)"]
