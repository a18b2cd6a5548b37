"""The xAPI statement outbox: shape, stable ids, same transaction as the change."""

import uuid

import pytest
from django.db import transaction
from django.test import override_settings

from learning import statements
from learning.enrolment import enrol
from learning.models import Enrolment, LessonProgress, StatementOutbox
from learning.progress import complete_lesson
from tests.learning.conftest import lessons_of


@override_settings(LEARNING_XAPI_BASE_URL="https://learn.example.org")
def test_statement_shapes(police_officer, police_course):
    enrolment, _ = enrol(police_officer, police_course)
    lessons = lessons_of(police_course)
    for lesson in lessons:
        complete_lesson(police_officer, lesson)
    rows = list(StatementOutbox.objects.filter(user=police_officer))
    assert [row.verb.rsplit("/", 1)[1] for row in rows] == ["registered"] + ["completed"] * 5
    for row in rows:
        s = row.statement
        assert uuid.UUID(s["id"]) == row.statement_id
        assert s["version"] == "1.0.3"
        assert s["actor"] == {
            "objectType": "Agent",
            "name": "Amina Police",
            "account": {"homePage": "https://learn.example.org/", "name": str(police_officer.pk)},
        }
        assert s["verb"]["id"].startswith("http://adlnet.gov/expapi/verbs/")
        assert s["object"]["objectType"] == "Activity"
        assert s["object"]["id"].startswith("https://learn.example.org/xapi/activities/")
        assert s["context"]["registration"] == str(enrolment.registration)
        assert s["context"]["language"] == "en"
        assert s["timestamp"] and s["stored"]
        assert row.sent_at is None and row.attempts == 0
    lesson_statement = rows[1].statement
    assert lesson_statement["object"]["id"] == f"https://learn.example.org/xapi/activities/lesson/{lessons[0].pk}"
    assert lesson_statement["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/lesson"
    assert set(lesson_statement["object"]["definition"]["name"]) == {"en", "fr", "es", "ru", "ar", "zh-Hans"}
    assert lesson_statement["context"]["contextActivities"]["parent"][0]["id"].endswith(f"/course/{police_course.pk}")
    course_statement = rows[-1].statement
    assert course_statement["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/course"
    assert course_statement["result"]["completion"] is True and course_statement["result"]["success"] is True
    assert course_statement["result"]["duration"].startswith("PT")


@override_settings(LEARNING_XAPI_ACTOR="mbox")
def test_mbox_actor(police_officer, police_course):
    enrol(police_officer, police_course)
    actor = StatementOutbox.objects.get().statement["actor"]
    assert actor["mbox"] == "mailto:police@example.test" and "account" not in actor


def test_statement_id_is_stable_for_an_event(police_officer, police_course):
    with transaction.atomic():
        first = statements.append(
            event_key="test:event", user=police_officer, verb=statements.Verb.COMPLETED, obj={"id": "x"}
        )
        second = statements.append(
            event_key="test:event", user=police_officer, verb=statements.Verb.COMPLETED, obj={"id": "y"}
        )
    assert first.pk == second.pk
    assert first.statement_id == uuid.uuid5(statements.STATEMENT_NAMESPACE, "test:event")
    assert StatementOutbox.objects.filter(event_key="test:event").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_statements_need_a_transaction(police_officer):
    with pytest.raises(RuntimeError):
        statements.append(event_key="x", user=police_officer, verb=statements.Verb.COMPLETED, obj={})


def test_rolled_back_change_leaves_no_statement(police_officer, police_course):
    """The statement is written in the change's transaction: roll back and neither exists."""
    lesson = lessons_of(police_course)[0]
    enrol(police_officer, police_course)
    before = StatementOutbox.objects.count()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        complete_lesson(police_officer, lesson)
        assert StatementOutbox.objects.count() == before + 1
        raise Boom
    assert StatementOutbox.objects.count() == before
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()

    with pytest.raises(Boom), transaction.atomic():
        Enrolment.objects.all().delete()
        enrol(police_officer, police_course)
        raise Boom
    assert StatementOutbox.objects.count() == before
