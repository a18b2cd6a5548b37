"""Completion rules and the immutable CourseCompletion snapshot."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from courses.models import LessonPage
from learning.completion import check_rules, evaluate_completion, reevaluate_course
from learning.enrolment import enrol
from learning.models import ActivityResult, CourseCompletion, Provenance, RequiredActivity, StatementOutbox
from learning.progress import complete_lesson
from learning.results import record_activity_result
from tests.learning.conftest import build_course, lessons_of


def complete_all(user, course):
    result = None
    for lesson in lessons_of(course):
        result = complete_lesson(user, lesson)
    return result


def test_completing_all_lessons_records_exactly_one_completion(police_officer, enrolment, police_course):
    _enrolment, _changed, completion = complete_all(police_officer, police_course)
    assert completion is not None and completion.created_now
    for _ in range(3):
        again = evaluate_completion(enrolment)
        assert again.pk == completion.pk and not again.created_now
    complete_lesson(police_officer, lessons_of(police_course)[-1])  # replay of the last post
    assert CourseCompletion.objects.filter(user=police_officer).count() == 1
    assert StatementOutbox.objects.filter(event_key__startswith="course-completed:").count() == 1


def test_completion_is_a_snapshot(police_officer, police_course):
    police_course.validity_months = 12
    police_course.save_revision().publish()
    police_course.refresh_from_db()
    enrol(police_officer, police_course)
    with translation.override("ar"):
        _e, _c, completion = complete_all(police_officer, police_course)
    assert completion.language == "ar"
    assert completion.course_revision_id == police_course.live_revision_id
    assert completion.hours == police_course.estimated_hours
    assert completion.course_title == police_course.title_ar
    assert completion.score is None
    delta = completion.expires_at - completion.completed_at
    assert 360 <= delta.days <= 366
    # Editing the course later changes nothing in the completion; the completion refuses changes.
    police_course.estimated_hours = Decimal("99")
    police_course.save_revision().publish()
    completion.refresh_from_db()
    assert completion.hours != Decimal("99")
    with pytest.raises(ValidationError):
        completion.save()


def test_optional_lessons_are_not_required(police_officer, police_course):
    lessons = lessons_of(police_course)
    last = LessonPage.objects.get(pk=lessons[-1].pk)
    last.optional = True
    last.save_revision().publish()
    enrol(police_officer, police_course)
    for lesson in lessons[:-1]:
        complete_lesson(police_officer, lesson)
    assert CourseCompletion.objects.filter(user=police_officer).count() == 1


def test_unpublished_lessons_are_not_required(police_officer, police_course):
    lessons = lessons_of(police_course)
    LessonPage.objects.get(pk=lessons[-1].pk).unpublish()
    enrol(police_officer, police_course)
    for lesson in lessons[:-1]:
        complete_lesson(police_officer, lesson)
    assert CourseCompletion.objects.filter(user=police_officer).exists()


def test_a_course_with_nothing_required_never_completes_by_itself(police_officer):
    course = build_course("empty", modules=1, lessons_per_module=0)
    enrolment, _ = enrol(police_officer, course)
    assert evaluate_completion(enrolment) is None


@pytest.fixture
def quiz_rule(police_course, courses):
    """A required activity: a page of the judges' course stands in for a quiz (assessments comes later)."""
    quiz = lessons_of(courses[1])[0]
    rule = RequiredActivity.objects.create(course=police_course, activity_page=quiz, minimum_score=Decimal("70"))
    return rule


def result(user, rule, score, passed, **kwargs):
    return record_activity_result(
        user, rule.activity_page, score=score, max_score=10, passed=passed, provenance=Provenance.SERVER, **kwargs
    )


def test_required_activity_not_satisfied_blocks_completion(police_officer, enrolment, police_course, quiz_rule):
    complete_all(police_officer, police_course)
    assert not CourseCompletion.objects.exists()
    outcome = check_rules(enrolment, police_course)
    assert outcome.lessons_done == outcome.lessons_required == 4
    assert outcome.activities == [(quiz_rule, None, False)]


def test_failed_result_does_not_complete_the_course(police_officer, enrolment, police_course, quiz_rule):
    complete_all(police_officer, police_course)
    result(police_officer, quiz_rule, 9, passed=False)  # a high score, but failed
    result(police_officer, quiz_rule, 6, passed=True)  # passed, under the 70 % the rule asks for
    result(police_officer, quiz_rule, 9, passed=True, counts=False)  # practice only
    assert not CourseCompletion.objects.exists()
    assert StatementOutbox.objects.filter(verb__endswith="/failed").count() == 1
    assert StatementOutbox.objects.filter(verb__endswith="/passed").count() == 2


def test_passed_result_completes_the_course_when_saved(police_officer, enrolment, police_course, quiz_rule):
    complete_all(police_officer, police_course)
    result(police_officer, quiz_rule, Decimal("8.5"), passed=True)
    completion = CourseCompletion.objects.get(user=police_officer)
    assert completion.score == Decimal("85.00")
    statement = StatementOutbox.objects.get(event_key__startswith="course-completed:").statement
    assert statement["result"]["score"] == {"scaled": 0.85}


def test_result_before_the_last_lesson_also_counts(police_officer, enrolment, police_course, quiz_rule):
    result(police_officer, quiz_rule, 10, passed=True)
    assert not CourseCompletion.objects.exists()
    complete_all(police_officer, police_course)
    assert CourseCompletion.objects.filter(user=police_officer).count() == 1


def test_other_officers_results_do_not_count(police_officer, officer, enrolment, police_course, quiz_rule):
    result(officer, quiz_rule, 10, passed=True)
    complete_all(police_officer, police_course)
    assert not CourseCompletion.objects.exists()


def test_minimum_time_spent(police_officer, police_course):
    police_course.minimum_minutes = 30
    police_course.save()
    enrolment, _ = enrol(police_officer, police_course)
    complete_all(police_officer, police_course)
    assert not CourseCompletion.objects.exists()
    assert check_rules(enrolment, police_course).minutes_required == 30
    enrolment.refresh_from_db()
    enrolment.seconds_spent = 31 * 60
    enrolment.save()
    assert evaluate_completion(enrolment) is not None


def test_rule_change_reevaluated_by_function_and_command(police_officer, enrolment, police_course, quiz_rule):
    complete_all(police_officer, police_course)
    assert not CourseCompletion.objects.exists()
    quiz_rule.delete()  # the trainer drops the quiz rule
    assert reevaluate_course(police_course) == 1
    assert reevaluate_course(police_course) == 0
    call_command("learning_reevaluate", "--course", str(police_course.pk), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert CourseCompletion.objects.filter(user=police_officer).count() == 1


def test_activity_result_refuses_impossible_scores(police_officer, quiz_rule):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityResult.objects.create(
            user=police_officer,
            page=quiz_rule.activity_page,
            score=11,
            max_score=10,
            passed=True,
            provenance=Provenance.SERVER,
        )
