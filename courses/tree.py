"""The one owner of the course tree: the course a page belongs to, and the lessons a course has.

The rule (docs/architecture.md, "The course tree"): a course's lessons are its **live lessons under
live modules, in tree order** - exactly what the outline shows. Sequencing, progress, completion
rules, the dashboard, reports and activity access all ask this module, so an officer who finishes
every lesson shown has finished the course. A lesson whose module is unpublished is not part of the
course (and is not served: ``courses.routing``).
"""

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Q
from wagtail.models import Page

from courses.models import CoursePage, LessonPage, ModulePage
from courses.page_cache import cached


def course_of(page: Page) -> CoursePage | None:
    """The course at or above ``page`` (itself when it is one), or None outside any course.

    Reuses the ancestors fetched while routing the request when there are any (no query then but
    the course's own row), and remembers the answer on the page object.
    """
    if isinstance(page, CoursePage):
        return page
    if hasattr(page, "_tree_course"):
        return page._tree_course
    routed = getattr(page, "routed_ancestors", None)
    if routed is not None:
        stub = next((ancestor for ancestor in routed if ancestor.specific_class is CoursePage), None)
        course = CoursePage.objects.filter(pk=stub.pk).first() if stub is not None else None
    else:
        course = CoursePage.objects.ancestor_of(page, inclusive=True).first()
    page._tree_course = course
    return course


def outline(course: CoursePage) -> list[ModulePage]:
    """The course's live modules in order, each with ``live_lessons``: its live lessons in order.

    Two queries; lesson bodies (six StreamField columns per lesson) stay in the database.
    """
    return _outlines([course])[course.pk]


def live_lessons(course: CoursePage) -> list[LessonPage]:
    """The lessons of ``course`` (live lessons under live modules), in tree order."""
    return [lesson for module in outline(course) for lesson in module.live_lessons]


def live_lessons_by_course(courses: Iterable[CoursePage]) -> dict[int, list[LessonPage]]:
    """``live_lessons`` of many courses at once, in two queries whatever their number."""
    return {
        course_id: [lesson for module in modules for lesson in module.live_lessons]
        for course_id, modules in _outlines(list(courses)).items()
    }


def cached_outline(course: CoursePage) -> list[ModulePage]:
    """``outline(course)`` from the page-tree cache (pages shown to learners; never for decisions)."""
    return cached(f"outline:{course.pk}", lambda: outline(course))


def lessons_of_outline(modules: Iterable[ModulePage]) -> list[LessonPage]:
    """The flat lesson list of an outline already built (e.g. the cached one a page shows)."""
    return [lesson for module in modules for lesson in module.live_lessons]


def _outlines(courses: list[CoursePage]) -> dict[int, list[ModulePage]]:
    if not courses:
        return {}
    steplen = CoursePage.steplen
    by_course_path = {course.path: course.pk for course in courses}
    modules = list(
        ModulePage.objects.live()
        .filter(depth__in={course.depth + 1 for course in courses})
        .filter(_below(by_course_path))
        .order_by("path")
    )
    by_module_path = {}
    result = {course.pk: [] for course in courses}
    for module in modules:
        course_id = by_course_path.get(module.path[:-steplen])
        if course_id is None:
            continue
        module.live_lessons = []
        by_module_path[module.path] = module
        result[course_id].append(module)
    if by_module_path:
        lessons = (
            LessonPage.objects.live()
            .filter(_below(by_module_path), depth__in={module.depth + 1 for module in modules})
            .order_by("path")
            .defer_streamfields()
        )
        for lesson in lessons:
            module = by_module_path.get(lesson.path[:-steplen])
            if module is not None:
                module.live_lessons.append(lesson)
    return result


def _below(paths: Iterable[str]) -> Q:
    """Pages whose tree path starts with any of ``paths``."""
    return reduce(or_, (Q(path__startswith=path) for path in sorted(paths)))
