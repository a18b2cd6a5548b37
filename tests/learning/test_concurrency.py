"""Concurrent requests on PostgreSQL: two tabs, double clicks, retries. Exactly one record each time."""

import threading
import time

import pytest
from django.db import connection, connections

from learning import completion as completion_module
from learning.enrolment import enrol
from learning.models import CourseCompletion, Enrolment, LessonProgress, StatementOutbox
from learning.progress import complete_lesson
from tests.learning.conftest import lessons_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 8


@pytest.fixture(autouse=True)
def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks); SQLite serialises every write. Set DATABASE_URL=postgres://...")


def run_at_once(target, *args_per_thread):
    """Start every call at the same instant; return results and errors."""
    barrier = threading.Barrier(len(args_per_thread))
    results, errors = [], []

    def worker(args):
        try:
            barrier.wait()
            results.append(target(*args))
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(args,)) for args in args_per_thread]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_many_threads_complete_the_last_lesson_at_once(police_officer, police_course):
    enrolment, _ = enrol(police_officer, police_course)
    lessons = lessons_of(police_course)
    for lesson in lessons[:-1]:
        complete_lesson(police_officer, lesson)
    assert not CourseCompletion.objects.exists()

    results, errors = run_at_once(complete_lesson, *[(police_officer, lessons[-1])] * THREADS)

    assert errors == []
    assert sum(1 for _enrolment, changed, _completion in results if changed) == 1
    assert {completion.pk for _enrolment, _changed, completion in results} == {CourseCompletion.objects.get().pk}
    assert CourseCompletion.objects.filter(enrolment=enrolment).count() == 1
    assert StatementOutbox.objects.filter(event_key__startswith="course-completed:").count() == 1
    progress = LessonProgress.objects.get(enrolment=enrolment, lesson=lessons[-1])
    assert StatementOutbox.objects.filter(event_key=f"lesson-completed:{progress.pk}").count() == 1


def test_the_last_two_lessons_in_two_tabs_still_complete_the_course(police_officer, police_course, monkeypatch):
    """Without the enrolment lock each request would miss the other's lesson and nobody would complete.

    Checking the rules is slowed down so that, without the lock, both requests would check before
    either commits (write skew); with the lock the second waits and sees the first one's lesson.
    """
    check_rules = completion_module.check_rules

    def slow_check_rules(*args, **kwargs):
        time.sleep(0.3)
        return check_rules(*args, **kwargs)

    monkeypatch.setattr(completion_module, "check_rules", slow_check_rules)
    enrol(police_officer, police_course)
    lessons = lessons_of(police_course)
    for lesson in lessons[:-2]:
        complete_lesson(police_officer, lesson)
    args = [(police_officer, lessons[-2]), (police_officer, lessons[-1])]  # one request per tab

    _results, errors = run_at_once(complete_lesson, *args)

    assert errors == []
    assert CourseCompletion.objects.count() == 1
    assert StatementOutbox.objects.filter(event_key__startswith="course-completed:").count() == 1
    assert LessonProgress.objects.filter(completed_at__isnull=False).count() == len(lessons)


def test_double_enrolment_at_once(police_officer, police_course):
    results, errors = run_at_once(enrol, *[(police_officer, police_course)] * THREADS)
    assert errors == []
    assert sum(1 for _enrolment, changed in results if changed) == 1
    assert Enrolment.objects.count() == 1
    assert StatementOutbox.objects.filter(verb__endswith="/registered").count() == 1
