"""An officer's own data, all of it, as JSON: only what the records' policies show them, narrowed to the officer."""

from django.utils import timezone

from core.visibility import visible
from learning.models import ActivityResult, CourseCompletion, Enrolment, Launch, LessonProgress, StatementOutbox

PROFILE_FIELDS = (
    "email",
    "full_name",
    "first_name",
    "last_name",
    "profession",
    "country",
    "agency",
    "preferred_language",
    "date_joined",
    "last_login",
)


def export_learner_data(user):
    """Profile, enrolments, progress, results, completions and statements of ``user``: nobody else's."""
    profile = {name: getattr(user, name, None) for name in PROFILE_FIELDS}
    profile["country"] = str(profile["country"] or "")
    return {
        "exported_at": timezone.now(),
        "profile": profile,
        "enrolments": list(
            visible(user, Enrolment, learner=user)
            .order_by("enrolled_at")
            .values(
                "id",
                "course_id",
                "course__title",
                "status",
                "source",
                "enrolled_at",
                "withdrawn_at",
                "cycle",
                "cycle_started_at",
                "registration",
                "last_lesson_id",
                "last_activity_at",
                "seconds_spent",
            )
        ),
        "lesson_progress": list(
            visible(user, LessonProgress, learner=user)
            .order_by("enrolment_id", "cycle", "lesson__path")
            .values(
                "enrolment_id",
                "lesson_id",
                "lesson__title",
                "cycle",
                "first_viewed_at",
                "last_viewed_at",
                "completed_at",
            )
        ),
        "activity_results": list(
            visible(user, ActivityResult, learner=user)
            .order_by("occurred_at")
            .values(
                "uuid",
                "page_id",
                "page__title",
                "activity_id",
                "score",
                "max_score",
                "passed",
                "counts",
                "provenance",
                "provenance_detail",
                "launch__uuid",
                "occurred_at",
                "recorded_at",
            )
        ),
        "launches": list(
            visible(user, Launch, learner=user)
            .order_by("served_at", "pk")
            .values(
                "uuid", "page_id", "activity_id", "kind", "package", "language", "issued_at", "served_at", "result_at"
            )
        ),
        "course_completions": list(
            visible(user, CourseCompletion, learner=user)
            .order_by("completed_at")
            .values(
                "uuid",
                "course_id",
                "course_title",
                "cycle",
                "course_revision_id",
                "language",
                "completed_at",
                "score",
                "hours",
                "expires_at",
            )
        ),
        "statements": [
            row.statement
            for row in visible(user, StatementOutbox, learner=user).order_by("created_at", "id").only("statement")
        ],
    }
