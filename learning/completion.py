"""Course completion: reading a course's rules for one enrolment, and recording the completion once.

Every change to a learner's course state locks the enrolment row first (``lock_enrolment``,
``select_for_update``): concurrent requests for the same officer and course (two tabs, double
clicks, retries) are serialised, so completion rules always see the other request's committed
progress. Unique constraints back every "exactly one" (enrolment, progress row, completion, statement).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import get_language

from core.expiry import expires_after
from courses.models import CoursePage
from courses.tree import live_lessons
from learning import statements
from learning.models import ActivityResult, CourseCompletion, Enrolment, LessonProgress, Provenance
from learning.statements import ActivityType, Verb


def lock_enrolment(enrolment_id):
    """The enrolment row, locked until the end of the transaction (see the module's docstring)."""
    return Enrolment.objects.select_for_update().get(pk=enrolment_id)


def course_activity(course):
    return statements.activity_for(course, ActivityType.COURSE)


@dataclass
class RulesOutcome:
    met: bool
    lessons_done: int = 0
    lessons_required: int = 0
    activities: list = field(default_factory=list)  # (RequiredActivity, best percent or None, satisfied)
    minutes_spent: int = 0
    minutes_required: int = 0
    score: Decimal | None = None


def check_rules(enrolment, course, *, server_graded_only=False):
    """Read-only evaluation of the course's completion rules for one enrolment (a fixed number of queries).

    ``server_graded_only`` counts only results graded on the server (``Provenance.SERVER``): what an
    accreditation that refuses browser-scored activities asks.
    """
    required_ids = {lesson.pk for lesson in live_lessons(course) if not lesson.optional}
    done = LessonProgress.objects.filter(
        enrolment=enrolment, cycle=enrolment.cycle, completed_at__isnull=False, lesson_id__in=required_ids
    ).count()
    rules = list(course.required_activities.all())
    results = ActivityResult.objects.filter(
        user_id=enrolment.user_id, page_id__in=[rule.activity_page_id for rule in rules], passed=True, counts=True
    )
    if server_graded_only:
        results = results.filter(provenance=Provenance.SERVER)
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
            enrolment = lock_enrolment(enrolment.pk)
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
        # Kept with the snapshot for accreditations that count only server-graded activities.
        graded_on_server = not outcome.activities or check_rules(enrolment, course, server_graded_only=True).met
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
                    expires_at=expires_after(now, course.validity_months),
                    graded_on_server=graded_on_server,
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
            obj=course_activity(course),
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
    pending = Enrolment.objects.active().filter(course=course).exclude(Exists(completed_this_cycle))
    count = 0
    for enrolment in pending.iterator():
        completion = evaluate_completion(enrolment, course=course)
        count += bool(completion and completion.created_now)
    return count
