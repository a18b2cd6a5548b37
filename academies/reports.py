"""Report figures (aggregates over scoped querysets) and server-side SVG charts."""

from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from certificates.models import Certificate
from core.visibility import visible
from courses.models import CoursePage
from learning.models import ActivityResult, CourseCompletion, Enrolment
from organisations.access import InAcademy
from organisations.models import Membership


def figures(user, academy, filters):
    viewer = InAcademy(user, academy)
    completions = visible(viewer, CourseCompletion)
    enrolments = visible(viewer, Enrolment)
    results = visible(viewer, ActivityResult)
    members = visible(viewer, Membership).select_related("user", "academy")
    if filters.unit:
        unit_users = members.filter(unit=filters.unit).values("user_id")
        completions = completions.filter(user_id__in=unit_users)
        enrolments = enrolments.filter(user_id__in=unit_users)
        results = results.filter(user_id__in=unit_users)
    if filters.course:
        completions = completions.filter(course_id=filters.course)
        enrolments = enrolments.filter(course_id=filters.course)
    if filters.since:
        completions = completions.filter(completed_at__date__gte=filters.since)
        enrolments = enrolments.filter(enrolled_at__date__gte=filters.since)
        results = results.filter(occurred_at__date__gte=filters.since)
    if filters.until:
        completions = completions.filter(completed_at__date__lte=filters.until)
        enrolments = enrolments.filter(enrolled_at__date__lte=filters.until)
        results = results.filter(occurred_at__date__lte=filters.until)
    titles = dict(CoursePage.objects.values_list("pk", "title"))
    per_course = [
        {**row, "title": titles.get(row["course_id"], "—")}
        for row in enrolments.values("course_id")
        .annotate(
            enrolled=Count("pk"),
            active=Count("pk", filter=Q(status="active")),
            started=Count("pk", filter=Q(last_activity_at__isnull=False)),
            completed=Count("completions__enrolment", distinct=True),
        )
        .order_by("course_id")
    ]
    unit_of = dict(members.values_list("user_id", "unit"))
    per_unit = {}
    for user_id, enrolled, completed in (
        enrolments.values("user_id")
        .annotate(enrolled=Count("pk"), completed=Count("completions__enrolment", distinct=True))
        .values_list("user_id", "enrolled", "completed")
    ):
        unit = unit_of.get(user_id) or "—"
        row = per_unit.setdefault(unit, {"unit": unit, "officers": 0, "enrolled": 0, "completed": 0})
        row["officers"] += 1
        row["enrolled"] += enrolled
        row["completed"] += completed
    per_month = list(
        completions.annotate(month=TruncMonth("completed_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    )
    quizzes = [
        {**row, "title": row["page__title"]}
        for row in results.values("page_id", "page__title")
        .annotate(attempts=Count("pk"), passed=Count("pk", filter=Q(passed=True)), average=Avg("score"))
        .order_by("page__title")
    ]
    now = timezone.now()
    renewed = completions.model.objects.filter(
        user_id=OuterRef("user_id"), course_id=OuterRef("course_id"), completed_at__gt=OuterRef("completed_at")
    )
    overdue = (
        completions.filter(expires_at__lte=now)
        .annotate(renewed=Exists(renewed))
        .filter(renewed=False)
        .select_related("user")
        .order_by("expires_at")[:200]
    )
    certificates = visible(viewer, Certificate)
    totals = {
        "enrolled": sum(row["enrolled"] for row in per_course),
        "started": sum(row["started"] for row in per_course),
        "completed": sum(row["completed"] for row in per_course),
        "certificates": certificates.filter(revoked_at__isnull=True).count(),
        "revoked": certificates.filter(revoked_at__isnull=False).count(),
    }
    return {
        "per_course": per_course,
        "per_unit": sorted(per_unit.values(), key=lambda row: row["unit"]),
        "per_month": per_month,
        "quizzes": quizzes,
        "overdue": overdue,
        "totals": totals,
        "units": sorted({unit for unit in unit_of.values() if unit}),
        "courses": [(pk, titles[pk]) for pk in sorted({row["course_id"] for row in per_course}) if pk in titles],
        "month_chart": bar_chart([(row["month"].strftime("%Y-%m"), row["count"]) for row in per_month]),
        "funnel_chart": funnel(
            [
                (_("Enrolled"), totals["enrolled"]),
                (pgettext("officers who began a course", "Started"), totals["started"]),
                (_("Completed"), totals["completed"]),
            ]
        ),
    }


def bar_chart(points, width=640, height=200):
    """Vertical bars as SVG geometry (the template draws it); labels along the bottom."""
    if not points:
        return None
    top = max(value for _label, value in points) or 1
    slot = width / len(points)
    bar = max(4, slot * 0.7)
    bars = []
    for index, (label, value) in enumerate(points):
        h = (height - 30) * value / top
        bars.append(
            {
                "x": round(index * slot + (slot - bar) / 2, 1),
                "y": round(height - 20 - h, 1),
                "w": round(bar, 1),
                "h": round(h, 1),
                "label": label,
                "value": value,
                "cx": round(index * slot + slot / 2, 1),
            }
        )
    return {"width": width, "height": height, "bars": bars, "base": height - 20}


def funnel(stages, width=640, row=40):
    top = max(value for _key, value in stages) or 1
    return {
        "width": width,
        "height": row * len(stages),
        "rows": [
            {"key": key, "value": value, "y": index * row, "w": round(max(2, (width - 160) * value / top), 1)}
            for index, (key, value) in enumerate(stages)
        ],
    }
