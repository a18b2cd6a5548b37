"""Shared fixtures: the small six-language course set from tests/fixtures/demo_content."""

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import translation

from accounts.models import User
from courses.demo.loader import load_demo_courses
from courses.models import CourseIndexPage, CoursePage, LessonPage

FIXTURE_CONTENT = Path(__file__).resolve().parent / "fixtures" / "demo_content"
# Third-party test data (H5P, SCORM, GIFT) lives beside the project in ../shared, never in the repository
# (its READMEs forbid copying it in). CUSTODIA_SHARED_DIR points elsewhere, e.g. from a git worktree.
SHARED_DIR = Path(os.environ.get("CUSTODIA_SHARED_DIR") or Path(__file__).resolve().parent.parent.parent / "shared")


def shared_fixture(relative):
    """The path of a file under ../shared/fixtures; a test that needs a missing one fails under CI, else skips."""
    path = SHARED_DIR / "fixtures" / relative
    if not path.exists():
        message = f"the shared test data {path} is missing (see ../shared/fixtures/*/README.md)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(autouse=True)
def _english_by_default():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """A rolled-back test leaves no cached page data (course outlines) behind for the next one."""
    cache.clear()
    yield


def pytest_collection_modifyitems(items):
    """Every transactional test restores the migrated rows (Wagtail's root page, locale, groups).

    A transactional test ends with a flush; without serialized rollback the next one would
    start on an empty database, and mixing both kinds breaks Django's restore (the flush's
    post_migrate signal re-creates content types that the restore then inserts again).
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            item.add_marker(pytest.mark.django_db(**{**marker.kwargs, "serialized_rollback": True}), append=False)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the small course set once per test database; tests roll back their own changes."""
    from django.db import connections

    # Wagtail's base rows (root page, locale, site, groups) as the migrations left them. Django keeps
    # this snapshot on the connection object, but connections are per thread and per context
    # (Playwright's event loop gets a new one): share it with all of them, so every transactional
    # test restores it and its flush skips post_migrate.
    snapshot = getattr(connections["default"], "_test_serialized_contents", None)
    if snapshot:
        type(connections["default"])._test_serialized_contents = snapshot
    with django_db_blocker.unblock(), translation.override("en"):
        load_demo_courses(FIXTURE_CONTENT)


@pytest.fixture
def courses(db):
    """Two published courses (police, judges), two modules of two lessons each, six languages."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    if not CoursePage.objects.exists() or site is None or site.root_page.specific_class is not CourseIndexPage:
        # A transactional test restored the migrations' snapshot (Wagtail's welcome page as root).
        return load_demo_courses(FIXTURE_CONTENT)
    return list(CoursePage.objects.order_by("path"))


@pytest.fixture
def police_course(courses):
    return CoursePage.objects.get(slug="police-basics")


@pytest.fixture
def first_lesson(police_course):
    return LessonPage.objects.descendant_of(police_course).order_by("path").first()


@pytest.fixture
def officer(db):
    return User.objects.create_user("officer@example.test", "a-strong-pass-phrase", full_name="Test Officer")


@pytest.fixture
def trainer(db):
    from django.contrib.auth.models import Group

    user = User.objects.create_user("trainer@example.test", "a-strong-pass-phrase", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=["Editors", "Moderators"]))
    return user
