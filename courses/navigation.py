"""Where a lesson sits in its course: breadcrumbs, module outline, previous and next."""

from wagtail.models import Page

from courses.tree import cached_outline, course_of, lessons_of_outline


def lesson_navigation(lesson):
    """Context for a lesson page in a fixed number of queries, whatever the course size."""
    routed = getattr(lesson, "routed_ancestors", None)  # fetched while routing the request, if it was
    if routed is None:
        routed = Page.objects.ancestor_of(lesson).order_by("depth")
        lesson.routed_ancestors = list(routed)
    ancestors = [page for page in lesson.routed_ancestors if page.depth > 1]
    course = course_of(lesson)
    if course is None:
        return {"breadcrumbs": ancestors, "course": None, "modules": [], "previous_lesson": None, "next_lesson": None}
    modules = cached_outline(course)
    ordered = lessons_of_outline(modules)
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
