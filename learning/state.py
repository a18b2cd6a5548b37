"""A learner's state on one course (enrolment, progress, locks, resume point) in a fixed number of queries."""

from django.utils import timezone

from core.visibility import visible
from learning.models import CourseCompletion, Enrolment, LessonProgress

# Completions expiring within this many days are shown as "expiring soon" and can be renewed.
RENEWAL_WINDOW_DAYS = 60


class CourseState:
    """Everything the course and lesson pages show about one learner on one course.

    ``lessons`` is the course's live lessons in order (objects with ``pk`` and ``optional``).
    """

    def __init__(self, course, lessons, enrolment=None, progress=None, completion=None):
        self.course = course
        self.lessons = list(lessons)
        self.enrolment = enrolment
        self.progress = progress or {}
        self.completion = completion  # the latest completion, any cycle
        self.done_ids = {pk for pk, row in self.progress.items() if row.completed_at}
        self.required = [lesson for lesson in self.lessons if not lesson.optional]
        self.locked_ids = self._locked_ids()

    def _locked_ids(self):
        if not self.course.sequential:
            return set()
        locked, blocked = set(), False
        for lesson in self.lessons:
            if blocked:
                locked.add(lesson.pk)
            elif not lesson.optional and lesson.pk not in self.done_ids:
                blocked = True
        return locked

    # Enrolment and completion -------------------------------------------------------------
    @property
    def is_enrolled(self):
        return self.enrolment is not None and self.enrolment.is_active

    @property
    def is_withdrawn(self):
        return self.enrolment is not None and not self.enrolment.is_active

    @property
    def current_completion(self):
        """The completion of the current cycle, if the learner has completed it."""
        if self.completion and self.enrolment and self.completion.cycle == self.enrolment.cycle:
            return self.completion
        return None

    @property
    def is_expired(self):
        return bool(self.current_completion and self.current_completion.is_expired())

    @property
    def is_expiring_soon(self):
        completion = self.current_completion
        if not completion or completion.expires_at is None or self.is_expired:
            return False
        return completion.expires_at <= timezone.now() + timezone.timedelta(days=RENEWAL_WINDOW_DAYS)

    @property
    def can_renew(self):
        return self.is_enrolled and (self.is_expired or self.is_expiring_soon)

    # Lessons --------------------------------------------------------------------------------
    def is_complete(self, lesson):
        return lesson.pk in self.done_ids

    def is_locked(self, lesson):
        return lesson.pk in self.locked_ids

    @property
    def done_count(self):
        return sum(1 for lesson in self.required if lesson.pk in self.done_ids)

    @property
    def total_count(self):
        return len(self.required)

    @property
    def percent(self):
        return round(100 * self.done_count / self.total_count) if self.total_count else 0

    def annotate(self, modules):
        """Set ``is_complete``, ``is_locked`` on lessons and ``progress_done``/``progress_total`` on modules."""
        for module in modules:
            lessons = getattr(module, "live_lessons", [])
            for lesson in lessons:
                lesson.is_complete = self.is_complete(lesson)
                lesson.is_locked = self.is_locked(lesson)
            required = [lesson for lesson in lessons if not lesson.optional]
            module.progress_total = len(required)
            module.progress_done = sum(1 for lesson in required if lesson.pk in self.done_ids)
            module.progress_percent = (
                round(100 * module.progress_done / module.progress_total) if module.progress_total else 0
            )
        return modules

    @property
    def resume_lesson(self):
        """Where to continue: the last lesson viewed, else the first one not yet completed."""
        by_pk = {lesson.pk: lesson for lesson in self.lessons}
        if self.enrolment and self.enrolment.last_lesson_id in by_pk:
            last = by_pk[self.enrolment.last_lesson_id]
            if not self.is_locked(last):
                return last
        return self.first_incomplete_lesson

    @property
    def first_incomplete_lesson(self):
        for lesson in self.lessons:
            if lesson.pk not in self.done_ids and not self.is_locked(lesson):
                return lesson
        return self.lessons[0] if self.lessons else None


def load_course_state(user, course, lessons):
    """Three queries at most (enrolment, progress of the current cycle, latest completion)."""
    enrolment = progress = completion = None
    if user.is_authenticated:
        enrolment = visible(user, Enrolment, learner=user).filter(course_id=course.pk).first()
    if enrolment is not None:
        progress = {
            row.lesson_id: row
            for row in visible(user, LessonProgress).filter(enrolment=enrolment, cycle=enrolment.cycle)
        }
        completion = visible(user, CourseCompletion).filter(enrolment=enrolment).order_by("-cycle").first()
    return CourseState(course, lessons, enrolment, progress, completion)
