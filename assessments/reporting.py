"""How assessments report into ``learning``: enrolment checks, activity results, xAPI statements.

``learning`` owns the generic ``ActivityResult`` (read by completion rules) and the statement
outbox; this module only calls its public functions. It imports ``learning`` lazily, so the quiz
engine keeps working (without reporting) where the learning app is not installed.
"""

import logging

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from assessments import qtypes

logger = logging.getLogger(__name__)

ATTEMPTED = ("http://adlnet.gov/expapi/verbs/attempted", "attempted")
ANSWERED = ("http://adlnet.gov/expapi/verbs/answered", "answered")
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"


def _learning():
    return apps.is_installed("learning")


def _enrolment(user, quiz):
    if not _learning():
        return None
    from learning.api import active_enrolment

    return active_enrolment(user, quiz.course)


def is_enrolled(user, quiz):
    """Only officers enrolled (actively) in the quiz's course may attempt a graded quiz."""
    if not _learning():
        return True
    return _enrolment(user, quiz) is not None


def _quiz_activity(quiz, sub_activity=""):
    from learning.statements import ActivityType, activity_for

    return activity_for(quiz, ActivityType.ASSESSMENT, sub_activity)


def attempt_started(attempt):
    """The ``attempted`` statement, in the transaction that created the attempt."""
    if not _learning():
        return
    from learning import statements

    enrolment = _enrolment(attempt.user, attempt.quiz)
    statements.append(
        event_key=f"quiz-attempted:{attempt.uuid}",
        user=attempt.user,
        verb=ATTEMPTED,
        obj=_quiz_activity(attempt.quiz),
        registration=enrolment.registration if enrolment else None,
        when=attempt.started_at,
    )


def _question_activity(quiz, item):
    activity = _quiz_activity(quiz, f"question/{item.question_id}")
    activity["definition"] = {
        "type": INTERACTION,
        "name": {"en": item.version.data.get("name") or str(item.question_id)},
        "interactionType": qtypes.of(item.version.data).xapi_interaction,
    }
    return activity


def attempt_finished(attempt, items, quiz_grade):
    """One ``answered`` statement per question, then the activity result (learning appends passed/failed)."""
    if not _learning():
        return
    from learning import statements

    quiz = attempt.quiz
    enrolment = _enrolment(attempt.user, quiz)
    registration = enrolment.registration if enrolment else None
    parent = _quiz_activity(quiz)
    statements.append_many(
        {
            "event_key": f"quiz-answered:{attempt.uuid}:{item.position}",
            "user": attempt.user,
            "verb": ANSWERED,
            "obj": _question_activity(quiz, item),
            "registration": registration,
            "parent": parent,
            "result": {
                "score": {"scaled": float(item.fraction), "raw": float(item.awarded), "max": float(item.mark)},
                "success": item.grade_result.state == "correct",
            },
            "when": item.answered_at or attempt.finished_at,
        }
        for item in items
        if item.response is not None
    )
    _record(attempt, quiz_grade, "attempt")


def attempt_regraded(attempt, quiz_grade):
    if _learning():
        _record(attempt, quiz_grade, "regrade")


def _record(attempt, quiz_grade, why):
    """An ``ActivityResult`` carrying the quiz grade by its grading method (as a percentage)."""
    from learning.api import record_activity_result
    from learning.models import Provenance

    if quiz_grade.percent is None:
        return
    quiz = attempt.quiz
    with transaction.atomic():
        record_activity_result(
            attempt.user,
            quiz.page_ptr,
            score=quiz_grade.percent,
            max_score=100,
            passed=quiz_grade.passed,
            provenance=Provenance.SERVER,
            counts=not quiz.diagnostic,
            detail=(
                f"{why}: attempt {attempt.number} ({attempt.uuid}) scored {attempt.score}/{attempt.max_score}; "
                f"quiz grade by {quiz.grading_method}"
            )[:255],
            occurred_at=attempt.regraded_at if why == "regrade" else attempt.finished_at or timezone.now(),
        )


def schedule_deadline(attempt):
    """Finish the attempt in the background once its time is up, where the task backend can defer."""
    from django_tasks import default_task_backend

    from assessments.engine import grace
    from assessments.tasks import finish_attempt_if_overdue

    if not getattr(default_task_backend, "supports_defer", False):
        return  # e.g. the immediate backend in tests: `manage.py finish_overdue_attempts` sweeps instead
    run_after = attempt.deadline + grace() + timezone.timedelta(seconds=1)

    def enqueue():
        try:
            finish_attempt_if_overdue.using(run_after=run_after).enqueue(attempt.pk)
        except Exception:  # noqa: BLE001 - a queue outage must not lose the attempt; the sweep catches it
            logger.exception("Could not schedule the deadline of attempt %s", attempt.pk)

    transaction.on_commit(enqueue)
