"""courses.tree: the one answer to "which course is this page in" and "which lessons does a course have"."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from courses.models import CoursePage, LessonPage, ModulePage
from courses.tree import cached_outline, course_of, live_lessons, live_lessons_by_course, outline
from tests.learning.conftest import build_course

pytestmark = pytest.mark.django_db


def titles(lessons):
    return [lesson.title for lesson in lessons]


def test_live_lessons_are_the_live_lessons_of_live_modules_in_tree_order(courses):
    course = build_course("tree", modules=3, lessons_per_module=2)
    module_2 = ModulePage.objects.child_of(course).get(slug="module-2")
    Page.objects.filter(pk=module_2.pk).update(live=False)  # the module alone: its lessons stay live
    LessonPage.objects.get(slug="lesson-3-1").unpublish()
    assert titles(live_lessons(course)) == ["Lesson 1.1", "Lesson 1.2", "Lesson 3.2"]
    assert [(m.title, titles(m.live_lessons)) for m in outline(course)] == [
        ("Module 1", ["Lesson 1.1", "Lesson 1.2"]),
        ("Module 3", ["Lesson 3.2"]),
    ]


def test_many_courses_in_two_queries_with_the_same_answer(courses):
    all_courses = list(CoursePage.objects.order_by("path"))
    with CaptureQueriesContext(connection) as queries:
        by_course = live_lessons_by_course(all_courses)
    assert len(queries) == 2
    assert {pk: titles(lessons) for pk, lessons in by_course.items()} == {
        course.pk: titles(live_lessons(course)) for course in all_courses
    }
    assert all(by_course.values())


def test_the_cached_outline_is_the_outline(courses, police_course):
    assert [titles(m.live_lessons) for m in cached_outline(police_course)] == [
        titles(m.live_lessons) for m in outline(police_course)
    ]


def test_course_of_any_page_in_the_tree(courses, police_course, first_lesson):
    module = first_lesson.get_parent()
    assert course_of(first_lesson) == police_course
    assert course_of(module.specific) == police_course
    assert course_of(Page.objects.get(pk=module.pk)) == police_course  # a plain Page works too
    assert course_of(Page.objects.get(pk=police_course.pk)) == police_course
    assert course_of(police_course) is police_course
    assert course_of(Page.objects.get(depth=2)) is None  # the catalogue is in no course


def test_course_of_reuses_routed_ancestors(courses, police_course, first_lesson):
    first_lesson.routed_ancestors = list(Page.objects.ancestor_of(first_lesson).order_by("depth"))
    with CaptureQueriesContext(connection) as queries:
        assert course_of(first_lesson) == police_course
        assert course_of(first_lesson) == police_course  # remembered on the page
    assert len(queries) == 1  # the course's own row
