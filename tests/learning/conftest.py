"""Helpers for the learner-journey tests: courses of any size, enrolled officers, results."""

from decimal import Decimal

import pytest

from accounts.models import User
from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from learning.enrolment import enrol


def build_course(slug, *, modules=2, lessons_per_module=2, publish_revision=False, **fields):
    """A live course under the catalogue with ``modules`` × ``lessons_per_module`` live lessons."""
    catalogue = CourseIndexPage.objects.get()
    defaults = {
        "title": f"Course {slug}",
        "summary": "A course for tests.",
        "learning_objectives": "Do things",
        "estimated_hours": Decimal("2.5"),
        "audience_police": True,
    }
    defaults.update(fields)
    course = catalogue.add_child(instance=CoursePage(slug=slug, **defaults))
    if publish_revision:
        course.save_revision().publish()
        course.refresh_from_db()
    for m in range(1, modules + 1):
        module = course.add_child(instance=ModulePage(title=f"Module {m}", slug=f"module-{m}"))
        for n in range(1, lessons_per_module + 1):
            module.add_child(instance=LessonPage(title=f"Lesson {m}.{n}", slug=f"lesson-{m}-{n}"))
    return CoursePage.objects.get(pk=course.pk)


def lessons_of(course):
    return list(LessonPage.objects.descendant_of(course).live().order_by("path"))


@pytest.fixture
def police_officer(db):
    return User.objects.create_user(
        "police@example.test", "a-strong-pass-phrase", full_name="Amina Police", profession="police"
    )


@pytest.fixture
def judge(db):
    return User.objects.create_user(
        "judge@example.test", "a-strong-pass-phrase", full_name="Juan Judge", profession="judiciary"
    )


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("admin@example.test", "a-strong-pass-phrase")


@pytest.fixture
def enrolment(police_officer, police_course):
    return enrol(police_officer, police_course)[0]


@pytest.fixture
def lessons(police_course):
    return lessons_of(police_course)
