"""Completion requires exactly the lessons the outline shows, and follows the tree as it changes."""

import pytest

from core.refusals import Refused
from courses.models import LessonPage, ModulePage
from learning.completion import check_rules
from learning.dashboard import dashboard_context
from learning.enrolment import enrol
from learning.models import CourseCompletion
from learning.progress import complete_lesson
from learning.state import load_course_state
from tests.learning.conftest import build_course

pytestmark = pytest.mark.django_db


def test_unpublishing_a_module_completes_whoever_finished_every_lesson_shown(
    rf, police_officer, django_capture_on_commit_callbacks
):
    course = build_course("two-modules", modules=2, lessons_per_module=2)
    enrolment, _ = enrol(police_officer, course)
    module_1, module_2 = ModulePage.objects.child_of(course).order_by("path")
    for lesson in LessonPage.objects.child_of(module_1).order_by("path"):
        complete_lesson(police_officer, lesson)
    assert not CourseCompletion.objects.filter(user=police_officer).exists()

    with django_capture_on_commit_callbacks(execute=True):
        module_2.unpublish()  # the module only: Wagtail leaves its lessons live

    # What the outline shows is what completion required: the officer is done.
    outcome = check_rules(enrolment, course)
    assert (outcome.met, outcome.lessons_done, outcome.lessons_required) == (True, 2, 2)
    completion = CourseCompletion.objects.get(user=police_officer)
    state = load_course_state(police_officer, course, list(LessonPage.objects.child_of(module_1)))
    assert state.percent == 100 and state.current_completion == completion
    request = rf.get("/")
    request.user = police_officer
    dashboard = dashboard_context(request)
    assert dashboard["in_progress"] == [] and [c.pk for c in dashboard["completed"]] == [completion.pk]

    # The hidden module's lessons cannot be completed any more...
    hidden = LessonPage.objects.child_of(module_2).first()
    with pytest.raises(Refused) as refused:
        complete_lesson(police_officer, hidden)
    assert refused.value.status == 404

    # ...and republishing it leaves the completion as recorded.
    with django_capture_on_commit_callbacks(execute=True):
        module_2.save_revision().publish()
    assert CourseCompletion.objects.filter(user=police_officer).get() == completion


def test_moving_a_lesson_out_of_a_course_reevaluates_it(police_officer, django_capture_on_commit_callbacks):
    course = build_course("mover", modules=1, lessons_per_module=2)
    other = build_course("target", modules=1, lessons_per_module=1)
    enrol(police_officer, course)
    first, second = LessonPage.objects.descendant_of(course).order_by("path")
    complete_lesson(police_officer, first)
    assert not CourseCompletion.objects.filter(user=police_officer).exists()
    with django_capture_on_commit_callbacks(execute=True):
        second.move(ModulePage.objects.child_of(other).get(), pos="last-child")
    assert CourseCompletion.objects.filter(user=police_officer, course=course).count() == 1
