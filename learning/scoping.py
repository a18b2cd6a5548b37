"""What a user may see of learner records: one function per model family, and every query goes through them.

Each function takes the viewer and, optionally, the learner whose records are wanted:

* a learner sees only their own records;
* site administrators (superusers, or users given the model's ``view`` permission) see everyone's;
* trainers see courses' figures in aggregate only (``course_statistics``), never another officer's rows;
* academy administrators will be added here by the academies app (through a hook), not in views.

``learner=`` narrows the result to one learner; it never widens it.
"""

from django.db.models import Count, Q

from learning.models import ActivityResult, CourseCompletion, Enrolment, Launch, LessonProgress, StatementOutbox


def _is_records_admin(viewer, model):
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    if viewer.is_superuser:
        return True
    return viewer.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")


def _scoped(viewer, model, user_field, learner):
    queryset = model.objects.all()
    if not viewer.is_authenticated:
        return queryset.none()
    if not _is_records_admin(viewer, model):
        queryset = queryset.filter(**{user_field: viewer.pk})
    if learner is not None:
        queryset = queryset.filter(**{user_field: learner.pk})
    return queryset


def visible_enrolments(viewer, *, learner=None):
    return _scoped(viewer, Enrolment, "user", learner)


def visible_progress(viewer, *, learner=None):
    return _scoped(viewer, LessonProgress, "enrolment__user", learner)


def visible_results(viewer, *, learner=None):
    return _scoped(viewer, ActivityResult, "user", learner)


def visible_launches(viewer, *, learner=None):
    return _scoped(viewer, Launch, "user", learner)


def visible_completions(viewer, *, learner=None):
    return _scoped(viewer, CourseCompletion, "user", learner)


def visible_statements(viewer, *, learner=None):
    return _scoped(viewer, StatementOutbox, "user", learner)


def _figures():
    return {
        "enrolled": Count("pk", filter=Q(status="active"), distinct=True),  # joined: one row per completion
        "withdrawn": Count("pk", filter=Q(status="withdrawn"), distinct=True),
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
