"""'My learning': in progress, to renew, completed, recommended next. A fixed number of queries."""

from types import SimpleNamespace

from core.visibility import visible
from courses.models import CoursePage, EnrolmentPolicy
from courses.tree import live_lessons_by_course
from learning.models import CourseCompletion, Enrolment, LessonProgress
from learning.policy import audience_for
from learning.state import CourseState

RECOMMENDED_COUNT = 4
AUDIENCE_FIELD = {"police": "audience_police", "prosecutors": "audience_prosecutors", "judges": "audience_judges"}


def dashboard_context(request):
    user = request.user
    enrolments = list(
        visible(user, Enrolment, learner=user).select_related("course").order_by("-last_activity_at", "-enrolled_at")
    )
    live_courses = [e.course for e in enrolments if e.course.live]
    lessons = live_lessons_by_course(live_courses)
    done = {}
    for enrolment_id, lesson_id, cycle in (
        visible(user, LessonProgress)
        .filter(enrolment__in=[e.pk for e in enrolments], completed_at__isnull=False)
        .values_list("enrolment_id", "lesson_id", "cycle")
    ):
        done.setdefault((enrolment_id, cycle), {})[lesson_id] = SimpleNamespace(completed_at=True)
    completions = list(
        visible(user, CourseCompletion, learner=user).select_related("course").order_by("-completed_at")
    )
    latest = {}
    for completion in completions:
        if completion.enrolment_id not in latest:
            latest[completion.enrolment_id] = completion

    in_progress, to_renew, withdrawn = [], [], []
    for enrolment in enrolments:
        if not enrolment.course.live:
            continue
        state = CourseState(
            enrolment.course,
            lessons.get(enrolment.course_id, []),
            enrolment,
            done.get((enrolment.pk, enrolment.cycle), {}),
            latest.get(enrolment.pk),
        )
        if state.is_withdrawn:
            withdrawn.append(state)
        elif state.current_completion is None:
            in_progress.append(state)
        elif state.can_renew:
            to_renew.append(state)

    enrolled_ids = [e.course_id for e in enrolments]
    recommended = (
        CoursePage.objects.live().exclude(pk__in=enrolled_ids).exclude(enrolment_policy=EnrolmentPolicy.INVITATION)
    )
    audience = audience_for(user)
    if audience:
        recommended = recommended.filter(**{AUDIENCE_FIELD[audience]: True})
    else:
        recommended = recommended.filter(enrolment_policy=EnrolmentPolicy.OPEN)
    return {
        "in_progress": in_progress,
        "to_renew": to_renew,
        "completed": completions,
        "withdrawn": withdrawn,
        "recommended": list(recommended.order_by("path")[:RECOMMENDED_COUNT]),
        "audience": audience,
    }
