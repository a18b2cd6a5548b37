"""The learner journey's write paths. Each one is a transaction that locks the enrolment row first.

Locking the enrolment (``select_for_update``) at the start of every change to a learner's course
state serialises concurrent requests for the same officer and course (two tabs, double clicks,
retries), so completion rules always see the other request's committed progress. Unique
constraints back every "exactly one" (enrolment, progress row, completion, statement).
"""

import calendar
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage
from courses.tree import course_of, live_lessons
from learning import statements
from learning.models import (
    ActivityResult,
    CourseCompletion,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    LessonProgress,
)
from learning.policy import can_self_enrol
from learning.state import CourseState
from learning.statements import ActivityType, Verb

# Gaps between two actions in a course longer than this are not counted as time spent.
IDLE_CUTOFF = timezone.timedelta(minutes=30)


class Refused(Exception):
    """A learner action that is not allowed; ``message`` is translated, ``status`` the HTTP status to answer."""

    def __init__(self, message, status=403):
        super().__init__(str(message))
        self.message = message
        self.status = status


# Helpers -------------------------------------------------------------------------------------
def add_months(moment, months):
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _lock(enrolment_id):
    return Enrolment.objects.select_for_update().get(pk=enrolment_id)


def _count_time(enrolment, now):
    """Add the time since the learner's previous action (if they were not idle) to the enrolment."""
    if enrolment.last_activity_at and timezone.timedelta(0) < now - enrolment.last_activity_at <= IDLE_CUTOFF:
        enrolment.seconds_spent += int((now - enrolment.last_activity_at).total_seconds())
    enrolment.last_activity_at = now


def _course_activity(course):
    return statements.activity_for(course, ActivityType.COURSE)


# Enrolment -----------------------------------------------------------------------------------
def enrol(user, course, *, by=None, source=EnrolmentSource.SELF, check_policy=True):
    """Enrol ``user`` (or reactivate a withdrawn enrolment). Returns ``(enrolment, changed)``.

    Self-enrolment checks the course's policy and prerequisites (``Refused`` when not allowed);
    administrators enrol with ``check_policy=False``. Idempotent: enrolling twice changes nothing.
    """
    if check_policy:
        decision = can_self_enrol(user, course)
        if not decision:
            raise Refused(decision.reason)
    with transaction.atomic():
        now = timezone.now()
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(
                    user=user, course=course, source=source, enrolled_by=by, enrolled_at=now, cycle_started_at=now
                )
        except IntegrityError:  # already enrolled (maybe withdrawn), or a concurrent request won
            enrolment = _lock(Enrolment.objects.get(user=user, course=course).pk)
            if enrolment.is_active:
                return enrolment, False
            enrolment.status = EnrolmentStatus.ACTIVE
            enrolment.withdrawn_at = None
            enrolment.source = source
            enrolment.enrolled_by = by
            enrolment.save(update_fields=["status", "withdrawn_at", "source", "enrolled_by"])
        statements.append(
            event_key=f"registered:{enrolment.pk}:{uuid.uuid4().hex}",
            user=user,
            verb=Verb.REGISTERED,
            obj=_course_activity(course),
            registration=enrolment.registration,
            when=now,
        )
        # Progress made before withdrawing may already meet the rules. The row is locked: just inserted
        # in this transaction, or locked above.
        evaluate_completion(enrolment, course=course, locked=True)
    return enrolment, True


def withdraw(user, course):
    """Withdraw (unenrol): the enrolment, progress and completions stay; re-enrolling reactivates."""
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().filter(user=user, course=course).first()
        if enrolment is None or not enrolment.is_active:
            return enrolment, False
        enrolment.status = EnrolmentStatus.WITHDRAWN
        enrolment.withdrawn_at = timezone.now()
        enrolment.save(update_fields=["status", "withdrawn_at"])
    return enrolment, True


@dataclass
class BulkEnrolReport:
    enrolled: list = field(default_factory=list)
    reactivated: list = field(default_factory=list)
    already: list = field(default_factory=list)
    unknown: list = field(default_factory=list)


def bulk_enrol(emails, course, *, by):
    """Administrator enrolment of many officers by e-mail address (policy not applied)."""
    from django.contrib.auth import get_user_model

    report = BulkEnrolReport()
    wanted = []
    for email in emails:
        email = email.strip().lower()
        if email and email not in wanted:
            wanted.append(email)
    users = {user.email.lower(): user for user in get_user_model().objects.filter(email__in=wanted)}
    existing = dict(Enrolment.objects.filter(course=course, user__in=users.values()).values_list("user_id", "status"))
    for email in wanted:
        user = users.get(email)
        if user is None:
            report.unknown.append(email)
            continue
        before = existing.get(user.pk)
        _enrolment, changed = enrol(user, course, by=by, source=EnrolmentSource.ADMIN, check_policy=False)
        if not changed:
            report.already.append(email)
        elif before == EnrolmentStatus.WITHDRAWN:
            report.reactivated.append(email)
        else:
            report.enrolled.append(email)
    return report


def start_new_cycle(user, course):
    """Renew an expired (or soon expiring) completion: a new cycle, a new registration; history stays."""
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().filter(user=user, course=course).first()
        if enrolment is None or not enrolment.is_active:
            raise Refused(_("You are not enrolled on this course."))
        completion = CourseCompletion.objects.filter(enrolment=enrolment, cycle=enrolment.cycle).first()
        state = CourseState(course, [], enrolment, completion=completion)
        if not state.can_renew:
            raise Refused(_("This course can be renewed only when your completion has expired or expires soon."))
        now = timezone.now()
        enrolment.cycle += 1
        enrolment.cycle_started_at = now
        enrolment.registration = uuid.uuid4()
        enrolment.seconds_spent = 0
        enrolment.last_activity_at = None
        enrolment.last_lesson = None
        enrolment.save(
            update_fields=[
                "cycle",
                "cycle_started_at",
                "registration",
                "seconds_spent",
                "last_activity_at",
                "last_lesson",
            ]
        )
        statements.append(
            event_key=f"registered:{enrolment.pk}:cycle-{enrolment.cycle}",
            user=user,
            verb=Verb.REGISTERED,
            obj=_course_activity(course),
            registration=enrolment.registration,
            when=now,
        )
    return enrolment


# Progress ------------------------------------------------------------------------------------
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
        enrolment = (
            Enrolment.objects.select_for_update()
            .filter(user=user, course=course, status=EnrolmentStatus.ACTIVE)
            .first()
        )
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
                parent=_course_activity(course),
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


# Completion ----------------------------------------------------------------------------------
@dataclass
class RulesOutcome:
    met: bool
    lessons_done: int = 0
    lessons_required: int = 0
    activities: list = field(default_factory=list)  # (RequiredActivity, best percent or None, satisfied)
    minutes_spent: int = 0
    minutes_required: int = 0
    score: Decimal | None = None


def check_rules(enrolment, course):
    """Read-only evaluation of the course's completion rules for one enrolment (a fixed number of queries)."""
    required_ids = {lesson.pk for lesson in live_lessons(course) if not lesson.optional}
    done = LessonProgress.objects.filter(
        enrolment=enrolment, cycle=enrolment.cycle, completed_at__isnull=False, lesson_id__in=required_ids
    ).count()
    rules = list(course.required_activities.all())
    results = ActivityResult.objects.filter(
        user_id=enrolment.user_id, page_id__in=[rule.activity_page_id for rule in rules], passed=True, counts=True
    )
    if enrolment.cycle > 1:
        results = results.filter(occurred_at__gte=enrolment.cycle_started_at)
    best = {}
    for result in results.only("page_id", "score", "max_score"):
        best[result.page_id] = max(best.get(result.page_id, Decimal(0)), result.percent)
    activities = []
    for rule in rules:
        percent = best.get(rule.activity_page_id)
        activities.append((rule, percent, percent is not None and percent >= rule.minimum_score))
    outcome = RulesOutcome(
        met=False,
        lessons_done=done,
        lessons_required=len(required_ids),
        activities=activities,
        minutes_spent=enrolment.seconds_spent // 60,
        minutes_required=course.minimum_minutes,
    )
    if rules:
        total = sum((best.get(rule.activity_page_id, Decimal(0)) for rule in rules), Decimal(0))
        outcome.score = (total / len(rules)).quantize(Decimal("0.01"))
    something_required = bool(required_ids or rules)
    outcome.met = (
        something_required
        and done == len(required_ids)
        and all(satisfied for _rule, _percent, satisfied in activities)
        and enrolment.seconds_spent >= course.minimum_minutes * 60
    )
    return outcome


def evaluate_completion(enrolment, *, language=None, course=None, locked=False):
    """Record the course completion for the enrolment's current cycle if the rules are met.

    Idempotent and safe under concurrency: the enrolment row is locked, an existing completion is
    returned as is, and a unique constraint (enrolment, cycle) backs it. The returned completion
    has ``created_now`` set when this call recorded it.
    """
    with transaction.atomic():
        if not locked:
            enrolment = _lock(enrolment.pk)
        if not enrolment.is_active:
            return None
        existing = CourseCompletion.objects.filter(enrolment=enrolment, cycle=enrolment.cycle).first()
        if existing is not None:
            existing.created_now = False
            return existing
        course = course or CoursePage.objects.get(pk=enrolment.course_id)
        outcome = check_rules(enrolment, course)
        if not outcome.met:
            return None
        now = timezone.now()
        try:
            with transaction.atomic():
                completion = CourseCompletion.objects.create(
                    enrolment=enrolment,
                    user_id=enrolment.user_id,
                    course=course,
                    cycle=enrolment.cycle,
                    course_title=course.title,
                    course_revision_id=course.live_revision_id,
                    language=language or get_language() or "en",
                    completed_at=now,
                    score=outcome.score,
                    hours=course.estimated_hours,
                    expires_at=add_months(now, course.validity_months) if course.validity_months else None,
                )
        except IntegrityError:
            completion = CourseCompletion.objects.get(enrolment=enrolment, cycle=enrolment.cycle)
            completion.created_now = False
            return completion
        result = {"completion": True, "success": True, "duration": statements.iso_duration(enrolment.seconds_spent)}
        if outcome.score is not None:
            result["score"] = {"scaled": float(outcome.score / 100)}
        statements.append(
            event_key=f"course-completed:{enrolment.pk}:cycle-{enrolment.cycle}",
            user=enrolment.user,
            verb=Verb.COMPLETED,
            obj=_course_activity(course),
            registration=enrolment.registration,
            result=result,
            when=now,
        )
        completion.created_now = True
        return completion


def reevaluate_course(course):
    """After the rules changed: evaluate every active enrolment not yet completed in its cycle.

    Returns the number of completions recorded.
    """
    completed_this_cycle = CourseCompletion.objects.filter(enrolment=OuterRef("pk"), cycle=OuterRef("cycle"))
    pending = Enrolment.objects.filter(course=course, status=EnrolmentStatus.ACTIVE).exclude(
        Exists(completed_this_cycle)
    )
    count = 0
    for enrolment in pending.iterator():
        completion = evaluate_completion(enrolment, course=course)
        count += bool(completion and completion.created_now)
    return count


# Activity results ----------------------------------------------------------------------------
def record_activity_result(
    user, page, *, score, max_score, passed, provenance, counts=True, activity_id="", detail="", occurred_at=None
):
    """How assessments and H5P report a result: one row, its statement and completion re-evaluation."""
    with transaction.atomic():
        return ActivityResult.objects.create(
            user=user,
            page=page,
            activity_id=activity_id,
            score=score,
            max_score=max_score,
            passed=passed,
            counts=counts,
            provenance=provenance,
            provenance_detail=detail,
            occurred_at=occurred_at or timezone.now(),
        )


def on_activity_result_created(result):
    """The result's statement, then re-evaluate the courses whose rules read this activity."""
    with transaction.atomic():
        page = result.page.specific_deferred if hasattr(result.page, "specific_deferred") else result.page
        score = {
            "raw": float(result.score),
            "max": float(result.max_score),
            "min": 0,
            "scaled": float(result.score / result.max_score),
        }
        activity = statements.activity_for(page, ActivityType.ASSESSMENT, result.activity_id)
        enrolments = list(
            Enrolment.objects.filter(
                user_id=result.user_id,
                status=EnrolmentStatus.ACTIVE,
                course__required_activities__activity_page_id=result.page_id,
            ).distinct()
        )
        statements.append(
            event_key=f"result:{result.uuid}",
            user=result.user,
            verb=Verb.PASSED if result.passed else Verb.FAILED,
            obj=activity,
            registration=enrolments[0].registration if len(enrolments) == 1 else None,
            result={"score": score, "success": result.passed, "completion": True},
            when=result.occurred_at,
        )
        for enrolment in enrolments:
            evaluate_completion(enrolment)
