"""Where a lesson sits in its course: breadcrumbs, module outline, previous and next."""

from wagtail.models import Page

from courses.models import CoursePage
from courses.page_cache import course_outline


def lesson_navigation(lesson):
    """Context for a lesson page in a fixed number of queries, whatever the course size."""
    routed = getattr(lesson, "routed_ancestors", None)  # fetched while routing the request, if it was
    if routed is None:
        routed = Page.objects.ancestor_of(lesson).order_by("depth")
    ancestors = [page for page in routed if page.depth > 1]
    course_stub = next((page for page in ancestors if page.specific_class is CoursePage), None)
    if course_stub is None:
        return {"breadcrumbs": ancestors, "course": None, "modules": [], "previous_lesson": None, "next_lesson": None}
    course = CoursePage.objects.get(pk=course_stub.pk)
    modules = course_outline(course)
    ordered = [item for module in modules for item in module.live_lessons]
    index = next((i for i, item in enumerate(ordered) if item.pk == lesson.pk), None)
    previous_lesson = ordered[index - 1] if index else None
    next_lesson = ordered[index + 1] if index is not None and index + 1 < len(ordered) else None
    return {
        "breadcrumbs": ancestors,
        "course": course,
        "modules": modules,
        "previous_lesson": previous_lesson,
        "next_lesson": next_lesson,
        "lesson_position": (index + 1) if index is not None else None,
        "lesson_total": len(ordered),
    }
