"""Progress through a course's lessons: lesson views (resume point, time spent) and lesson completion."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.refusals import Refused
from courses.tree import course_of, live_lessons
from learning import statements
from learning.completion import course_activity, evaluate_completion
from learning.enrolment import active_enrolment
from learning.models import Enrolment, LessonProgress
from learning.state import CourseState
from learning.statements import ActivityType, Verb

# Gaps between two actions in a course longer than this are not counted as time spent.
IDLE_CUTOFF = timezone.timedelta(minutes=30)


def _count_time(enrolment, now):
    """Add the time since the learner's previous action (if they were not idle) to the enrolment."""
    if enrolment.last_activity_at and timezone.timedelta(0) < now - enrolment.last_activity_at <= IDLE_CUTOFF:
        enrolment.seconds_spent += int((now - enrolment.last_activity_at).total_seconds())
    enrolment.last_activity_at = now


def _note_view(state, enrolment, lesson, now):
    row = state.progress.get(lesson.pk)
    if row is not None:
        LessonProgress.objects.filter(pk=row.pk).update(last_viewed_at=now, updated_at=now)
        return
    try:
        with transaction.atomic():
            row = LessonProgress.objects.create(
                enrolment=enrolment,
                lesson_id=lesson.pk,
                cycle=enrolment.cycle,
                first_viewed_at=now,
                last_viewed_at=now,
            )
            state.progress[lesson.pk] = row
    except IntegrityError:
        pass  # another tab created it


def record_lesson_view(state, lesson):
    """Remember the lesson as the resume point, count time, note the view. A few queries, any course size."""
    enrolment = state.enrolment
    if not state.is_enrolled or state.is_locked(lesson):
        return
    now = timezone.now()
    before = enrolment.seconds_spent
    _count_time(enrolment, now)
    enrolment.last_lesson_id = lesson.pk
    with transaction.atomic():  # one commit (one log flush) for both rows
        Enrolment.objects.filter(pk=enrolment.pk).update(
            last_lesson_id=lesson.pk, last_activity_at=now, seconds_spent=enrolment.seconds_spent, updated_at=now
        )
        _note_view(state, enrolment, lesson, now)
    minimum = state.course.minimum_minutes * 60
    if minimum and before < minimum <= enrolment.seconds_spent and not state.current_completion:
        evaluate_completion(enrolment)


def complete_lesson(user, lesson, *, language=None, with_state=False):
    """Mark ``lesson`` complete for ``user``. Returns ``(enrolment, changed, completion)``.

    Refuses (``Refused``, nothing changed) when the lesson is not live, not in a live course the
    user is actively enrolled on, or locked. Replays and double submissions change nothing.
    With ``with_state=True`` a fourth item follows: the learner's ``CourseState`` on the course with
    this lesson completed (its ``completion`` is the one returned, not an earlier cycle's).
    """
    if not lesson.live:
        raise Refused(_("This lesson is not published."), status=404)
    course = course_of(lesson)
    if course is None or not course.live:
        raise Refused(_("This lesson is not part of a published course."), status=404)
    with transaction.atomic():
        enrolment = active_enrolment(user, course, lock=True)
        if enrolment is None:
            raise Refused(_("Enrol on this course before recording your progress."))
        progress = {
            row.lesson_id: row for row in LessonProgress.objects.filter(enrolment=enrolment, cycle=enrolment.cycle)
        }
        state = CourseState(course, live_lessons(course), enrolment, progress)
        if lesson.pk not in {item.pk for item in state.lessons}:
            raise Refused(_("This lesson is not published."), status=404)
        if state.is_locked(lesson):
            raise Refused(_("This lesson is locked: complete the lessons before it first."))
        now = timezone.now()
        row = progress.get(lesson.pk)
        if row is None:
            row, _created = LessonProgress.objects.get_or_create(
                enrolment=enrolment,
                lesson_id=lesson.pk,
                cycle=enrolment.cycle,
                defaults={"first_viewed_at": now, "last_viewed_at": now},
            )
        changed = bool(
            LessonProgress.objects.filter(pk=row.pk, completed_at__isnull=True).update(
                completed_at=now, last_viewed_at=now, updated_at=now
            )
        )
        if changed:
            statements.append(
                event_key=f"lesson-completed:{row.pk}",
                user=user,
                verb=Verb.COMPLETED,
                obj=statements.activity_for(lesson, ActivityType.LESSON),
                registration=enrolment.registration,
                parent=course_activity(course),
                result={"completion": True},
                when=now,
            )
            _count_time(enrolment, now)
            enrolment.save(update_fields=["seconds_spent", "last_activity_at"])
        # Rules need every required lesson: skip evaluating them (five queries) while some are still to do.
        still_to_do = {item.pk for item in state.required} - state.done_ids - {lesson.pk}
        completion = None
        if not still_to_do:
            completion = evaluate_completion(enrolment, language=language, course=course, locked=True)
    if not with_state:
        return enrolment, changed, completion
    if row.completed_at is None:  # completed by the update above (or by a concurrent request just before it)
        row.completed_at = now
    progress[lesson.pk] = row
    return enrolment, changed, completion, CourseState(course, state.lessons, enrolment, progress, completion)
