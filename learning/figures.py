"""Courses' figures for trainers: counts only, never a learner's rows."""

from django.db.models import Count, Q

from learning.models import Enrolment, EnrolmentStatus


def _figures():
    return {
        # joined with completions: one row per completion, hence distinct
        "enrolled": Count("pk", filter=Q(status=EnrolmentStatus.ACTIVE), distinct=True),
        "withdrawn": Count("pk", filter=Q(status=EnrolmentStatus.WITHDRAWN), distinct=True),
        "completed": Count("completions__enrolment", distinct=True),
    }


def course_statistics(course):
    """Aggregate figures for trainers: counts only, no learner rows."""
    return Enrolment.objects.filter(course=course).aggregate(**_figures())


def courses_statistics(course_ids):
    """``course_statistics`` for many courses in one grouped query: ``{course id: figures}``, zeros included."""
    course_ids = list(course_ids)
    figures = {pk: dict.fromkeys(_figures(), 0) for pk in course_ids}
    rows = Enrolment.objects.filter(course__in=course_ids).values("course_id").annotate(**_figures()).order_by()
    for row in rows:
        figures[row.pop("course_id")] = row
    return figures
