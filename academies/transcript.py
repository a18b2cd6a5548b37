"""A per-officer transcript: every course, score, hour and certificate (JSON and PDF)."""

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone

from certificates.models import Certificate
from core.visibility import visible
from courses.models import CoursePage
from learning.models import CourseCompletion, Enrolment
from organisations.access import InAcademy
from organisations.models import Membership


def transcript(viewer, officer, academy):
    """Built from the records' policies only: what ``viewer`` may see of ``officer`` in ``academy``."""
    acting = InAcademy(viewer, academy)
    enrolments = visible(acting, Enrolment, learner=officer).order_by("enrolled_at")
    completions = visible(acting, CourseCompletion, learner=officer).order_by("completed_at")
    certificates = visible(acting, Certificate, learner=officer).order_by("issued_at")
    titles = dict(CoursePage.objects.filter(pk__in=enrolments.values("course_id")).values_list("pk", "title"))
    membership = visible(acting, Membership, learner=officer).first()
    now = timezone.now()
    courses = [
        {
            "course_id": e.course_id,
            "course_title": titles.get(e.course_id, ""),
            "status": e.status,
            "enrolled_at": e.enrolled_at.isoformat(),
            "hours_spent": round(e.seconds_spent / 3600, 1),
        }
        for e in enrolments
    ]
    done = [
        {
            "completion_id": str(c.uuid),
            "course_id": c.course_id,
            "course_title": c.course_title,
            "completed_at": c.completed_at.isoformat(),
            "score": None if c.score is None else str(c.score),
            "hours": str(c.hours),
            "expires_at": c.expires_at.isoformat() if c.expires_at else None,
            "expired": c.is_expired(now),
        }
        for c in completions
    ]
    return {
        "officer": {
            "id": officer.pk,
            "name": officer.get_full_name(),
            "email": officer.email,
            "unit": membership.unit if membership else "",
            "rank": membership.rank if membership else "",
        },
        "academy": {"slug": academy.slug, "name": academy.name},
        "generated_at": now.isoformat(),
        "enrolments": courses,
        "completions": done,
        "certificates": [
            {
                "code": c.grouped_code,
                "course_title": c.course_title(),
                "issued_at": c.issued_at.isoformat(),
                "hours": str(c.hours),
                "revoked": c.revoked_at is not None,
            }
            for c in certificates
        ],
        "total_hours": str(sum((Decimal(c["hours"]) for c in done), Decimal("0"))),
    }


def transcript_pdf(data):
    from certificates.pdf import write_pdf  # its shared font configuration: Arabic and Chinese fonts

    html = render_to_string("academies/transcript_pdf.html", {"t": data})
    return write_pdf(html, shared_fonts=True)
