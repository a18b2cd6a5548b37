"""Shared fixtures: the small six-language course set from tests/fixtures/demo_content."""

from pathlib import Path

import pytest
from django.utils import translation

from accounts.models import User
from courses.demo.loader import load_demo_courses
from courses.models import CourseIndexPage, CoursePage, LessonPage

FIXTURE_CONTENT = Path(__file__).resolve().parent / "fixtures" / "demo_content"
SHARED_DIR = Path(__file__).resolve().parent.parent.parent / "shared"


@pytest.fixture(autouse=True)
def _english_by_default():
    with translation.override("en"):
        yield


_MIGRATED_STATE = {}


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

    # Wagtail's base rows (root page, locale, site, groups) as the migrations left them, to
    # restore after a transactional (browser) test has flushed the database.
    _MIGRATED_STATE["default"] = getattr(connections["default"], "_test_serialized_contents", None)
    if _MIGRATED_STATE["default"]:
        # Django keeps the snapshot on the connection object, but connections are per thread and
        # per context (Playwright's event loop gets a new one): share it with all of them, so every
        # transactional test restores it and skips the flush's post_migrate.
        type(connections["default"])._test_serialized_contents = _MIGRATED_STATE["default"]
    with django_db_blocker.unblock(), translation.override("en"):
        load_demo_courses(FIXTURE_CONTENT)


def restore_migrated_state():
    """Put back the rows the migrations created, when a flush removed them."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connections
    from wagtail.models import Page

    if not Page.objects.exists() and _MIGRATED_STATE.get("default"):
        # The flush's post_migrate signal re-created content types: clear them first.
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True, reset_sequences=False)
        connection = connections["default"]
        connection.creation.deserialize_db_from_string(_MIGRATED_STATE["default"])
        # Rows came back with their ids: move PostgreSQL's sequences past them.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                cursor.execute(sql)
        ContentType.objects.clear_cache()


@pytest.fixture
def courses(db):
    """Two published courses (police, judges), two modules of two lessons each, six languages."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    if not CoursePage.objects.exists() or site is None or site.root_page.specific_class is not CourseIndexPage:
        # A transactional test emptied the database or restored the migrations' snapshot.
        restore_migrated_state()
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
