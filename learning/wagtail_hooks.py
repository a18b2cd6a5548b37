"""Learner state on course and lesson pages, locked lessons, and the admin's enrolment screen."""

from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from courses.models import CoursePage, LessonPage
from courses.permissions import may_author
from courses.tree import lessons_of_outline
from learning.admin_views import EnrolLearnersView
from learning.policy import can_self_enrol, missing_prerequisites
from learning.progress import record_lesson_view
from learning.state import load_course_state


def lesson_state(page, request):
    """The learner's state on the lesson's course, computed once per request (fixed number of queries)."""
    cache = request.__dict__.setdefault("_learning_lesson_states", {})
    if page.pk not in cache:
        navigation = page.navigation
        course = navigation["course"]
        cache[page.pk] = (
            None
            if course is None
            else load_course_state(request.user, course, lessons_of_outline(navigation["modules"]))
        )
    return cache[page.pk]


@hooks.register("before_serve_page")
def refuse_locked_lessons(page, request, serve_args, serve_kwargs):
    """Locked lessons cannot be opened (staff who can edit the lesson excepted)."""
    if not isinstance(page, LessonPage):
        return None
    state = lesson_state(page, request)
    if state is None:
        return None
    if state.is_locked(page) and not may_author(request.user, page):
        return render(
            request,
            "learning/lesson_locked.html",
            {"page": page, "course": state.course, "learner": state, "resume_lesson": state.first_incomplete_lesson},
            status=403,
        )
    return None


@hooks.register("courses_page_context")
def learner_context(page, request, context):
    if isinstance(page, LessonPage):
        state = lesson_state(page, request)
        if state is None:
            return {}
        # Recorded here, when the page is really served (after Wagtail's own view restrictions), never in previews.
        if request.method == "GET" and not getattr(request, "is_preview", False):
            record_lesson_view(state, page)
        state.annotate(context.get("modules", []))
        next_lesson = context.get("next_lesson")
        return {
            "learner": state,
            "lesson_complete": state.is_complete(page),
            "next_lesson_locked": bool(next_lesson and state.is_locked(next_lesson)),
            "page_panels": ["learning/includes/lesson_progress.html"],
        }
    if isinstance(page, CoursePage):
        modules = context.get("modules", [])
        state = load_course_state(request.user, page, lessons_of_outline(modules))
        state.annotate(modules)
        required = list(page.required_courses.all())
        extra = {
            "learner": state,
            "required_courses": required,
            "page_panels": ["learning/includes/course_enrolment.html"],
        }
        if not state.is_enrolled:
            extra["enrol_decision"] = None
            if request.user.is_authenticated:
                missing = missing_prerequisites(request.user, page, required=required)
                extra["enrol_decision"] = can_self_enrol(request.user, page, missing=missing)
                extra["missing_courses"] = missing
        return extra
    return {}


@hooks.register("register_admin_urls")
def register_learning_admin_urls():
    return [path("learning/enrol/", EnrolLearnersView.as_view(), name="learning_enrol")]


class EnrolMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("learning.add_enrolment")


@hooks.register("register_admin_menu_item")
def register_enrol_menu_item():
    return EnrolMenuItem(_("Enrol learners"), reverse("learning_enrol"), icon_name="group", order=850)
