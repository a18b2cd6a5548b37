"""Enrolment: enrol (self or by an administrator), withdraw, renew (a new completion cycle)."""

import uuid
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.refusals import Refused
from courses.tree import course_of
from learning import statements
from learning.completion import course_activity, evaluate_completion, lock_enrolment
from learning.models import CourseCompletion, Enrolment, EnrolmentSource, EnrolmentStatus
from learning.policy import can_self_enrol
from learning.state import CourseState
from learning.statements import Verb


def active_enrolment(user, course, *, lock=False):
    """The user's enrolment on ``course`` if they are actively enrolled (not withdrawn), else None.

    The one definition of "actively enrolled". ``lock``: lock the row until the end of the
    transaction (see ``learning.completion``).
    """
    if course is None or user is None or not user.is_authenticated:
        return None
    rows = Enrolment.objects.active().filter(user=user, course=course)
    return (rows.select_for_update() if lock else rows).first()


def enrolled_on_page(user, page):
    """Is ``user`` actively enrolled on the course above ``page``? The rule for opening a course's
    activities as a learner (quizzes, H5P, SCORM) and having the results recorded."""
    if not user.is_authenticated or not user.is_active:
        return False
    return active_enrolment(user, course_of(page)) is not None


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
            enrolment = lock_enrolment(Enrolment.objects.get(user=user, course=course).pk)
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
            obj=course_activity(course),
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
            obj=course_activity(course),
            registration=enrolment.registration,
            when=now,
        )
    return enrolment
