"""Who may enrol on a course by themselves.

A course's ``enrolment_policy`` decides: open, restricted to its audiences (the officer's
profession), or by invitation only (administrators enrol). Prerequisite courses must have been
completed first.

Other apps can open a restricted course to more people without ``learning`` importing them:
register a function with Wagtail's hooks::

    @hooks.register("learning_enrolment_grants")
    def academy_members(user, course):
        return course_is_offered_by_an_academy_of(user, course)  # True grants, anything else does not

(``academies`` will use this for its members.)
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from courses.models import Audience, EnrolmentPolicy

ENROLMENT_GRANTS_HOOK = "learning_enrolment_grants"

# accounts.Profession -> courses.Audience
PROFESSION_AUDIENCE = {
    "police": Audience.POLICE,
    "prosecution": Audience.PROSECUTORS,
    "judiciary": Audience.JUDGES,
}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self):
        return self.allowed


def audience_for(user):
    return PROFESSION_AUDIENCE.get(getattr(user, "profession", ""))


def granted_by_hook(user, course):
    return any(fn(user, course) is True for fn in hooks.get_hooks(ENROLMENT_GRANTS_HOOK))


def missing_prerequisites(user, course, required=None):
    """Courses in ``course.required_courses`` that ``user`` has never completed.

    ``required``: the course's required courses when the caller has already loaded them.
    """
    from core.visibility import visible
    from learning.models import CourseCompletion

    if required is None:
        required = list(course.required_courses.all())
    if not required:
        return []
    completed_course_ids = set(
        visible(user, CourseCompletion, learner=user)
        .filter(course__in=[c.pk for c in required])
        .values_list("course_id", flat=True)
    )
    return [c for c in required if c.pk not in completed_course_ids]


def can_self_enrol(user, course, missing=None):
    """May ``user`` enrol on ``course`` by themselves? A ``Decision`` with a translated reason.

    ``missing``: ``missing_prerequisites(user, course)`` when the caller has already computed it.
    """
    if not user.is_authenticated:
        return Decision(False, _("Log in to enrol on this course."))
    if not course.live:
        return Decision(False, _("This course is not published."))
    policy = course.enrolment_policy
    if policy != EnrolmentPolicy.OPEN and not granted_by_hook(user, course):
        if policy == EnrolmentPolicy.INVITATION:
            return Decision(False, _("This course is by invitation only. Ask your training administrator."))
        if policy == EnrolmentPolicy.AUDIENCES and audience_for(user) not in course.audiences:
            return Decision(False, _("This course is for other professions. Check the profession in your profile."))
    if missing is None:
        missing = missing_prerequisites(user, course)
    if missing:
        return Decision(False, _("Complete the courses listed under “Courses to complete first” before enrolling."))
    return Decision(True)
