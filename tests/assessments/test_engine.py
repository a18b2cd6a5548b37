"""The attempt engine: starting, sequence-checked saves, time limits on a frozen clock, idempotent
submission, random draws, versions and regrading, grading methods, reporting into learning."""

import random
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import engine
from assessments.models import Attempt, AttemptState, Choice, FinishReason, GradingMethod
from learning.models import ActivityResult, StatementOutbox

from .conftest import add_quiz, make_question

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def minutes(n):
    return timezone.timedelta(minutes=n)


def ids(attempt, position):
    return [c["id"] for c in attempt.items.get(position=position).version.data["choices"]]


def right_answers(attempt):
    """Full marks for the ``quiz`` fixture (single, multiple, short)."""
    return {"1": str(ids(attempt, 1)[0]), "2": [str(i) for i in ids(attempt, 2)[:2]], "3": "Write  Blocker"}


# Starting ------------------------------------------------------------------------------------------
def test_start_creates_items_with_versions_and_resumes(quiz, enrolled_officer):
    attempt, created = engine.start_attempt(enrolled_officer, quiz, now=T0)
    assert created and attempt.number == 1 and attempt.deadline is None
    assert [i.version.number for i in attempt.items.order_by("position")] == [1, 1, 1]
    assert attempt.max_score == 3
    again, created = engine.start_attempt(enrolled_officer, quiz, now=T0 + minutes(5))
    assert (again.pk, created) == (attempt.pk, False)  # resume on another device


def test_only_enrolled_officers_may_attempt(quiz, officer):
    with pytest.raises(engine.Refused) as refusal:
        engine.start_attempt(officer, quiz)
    assert refusal.value.code == "not_enrolled"


def test_attempt_limit_delay_and_dates(module, fixed_questions, enrolled_officer):
    quiz = add_quiz(
        module,
        [{"question": fixed_questions[0]}],
        max_attempts=2,
        delay_minutes=60,
        opens_at=T0,
        closes_at=T0 + minutes(24 * 60),
        time_limit_minutes=30,
    )
    with pytest.raises(engine.Refused, match="not open yet"):
        engine.start_attempt(enrolled_officer, quiz, now=T0 - minutes(1))
    first, _ = engine.start_attempt(enrolled_officer, quiz, now=T0)
    engine.submit_attempt(first.pk, enrolled_officer, now=T0 + minutes(5))
    with pytest.raises(engine.Refused) as refusal:
        engine.start_attempt(enrolled_officer, quiz, now=T0 + minutes(30))
    assert refusal.value.code == "too_soon"
    second, _ = engine.start_attempt(enrolled_officer, quiz, now=T0 + minutes(66))
    engine.submit_attempt(second.pk, enrolled_officer, now=T0 + minutes(70))
    with pytest.raises(engine.Refused, match="all the attempts"):
        engine.start_attempt(enrolled_officer, quiz, now=T0 + minutes(200))
    late = add_quiz(
        module, [{"question": fixed_questions[0]}], slug="late", closes_at=T0 + minutes(10), time_limit_minutes=30
    )
    attempt, _ = engine.start_attempt(enrolled_officer, late, now=T0)
    assert attempt.deadline == late.closes_at  # the closing time cuts the time limit short
    with pytest.raises(engine.Refused, match="closed"):
        engine.check_may_start(enrolled_officer, late, now=T0 + minutes(11))


# Sequence numbers ----------------------------------------------------------------------------------
def test_saves_need_a_growing_sequence_and_stale_ones_change_nothing(quiz, enrolled_officer):
    attempt, _ = engine.start_attempt(enrolled_officer, quiz, now=T0)
    wrong, right = ids(attempt, 1)[1], ids(attempt, 1)[0]
    assert engine.save_answers(attempt.pk, enrolled_officer, 1, {"1": str(wrong)}, now=T0).saved
    replay = engine.save_answers(attempt.pk, enrolled_officer, 1, {"1": str(right)}, now=T0 + minutes(1))
    assert (replay.saved, replay.reason) == (False, "stale")
    assert engine.save_answers(attempt.pk, enrolled_officer, 0, {"1": str(right)}).reason == "stale"
    assert engine.save_answers(attempt.pk, enrolled_officer, "2", {"1": str(right)}).reason == "stale"  # not an int
    item = attempt.items.get(position=1)
    assert item.response == wrong
    attempt.refresh_from_db()
    assert (attempt.sequence, attempt.last_saved_at) == (1, T0)
    assert engine.save_answers(attempt.pk, enrolled_officer, 5, {"1": str(right)}, now=T0 + minutes(2)).saved
    assert engine.save_answers(attempt.pk, enrolled_officer, 3, {"1": str(wrong)}).reason == "stale"  # older
    assert attempt.items.get(position=1).response == right


def test_nobody_else_can_save_into_an_attempt(quiz, enrolled_officer, trainer):
    attempt, _ = engine.start_attempt(enrolled_officer, quiz)
    with pytest.raises(Attempt.DoesNotExist):
        engine.save_answers(attempt.pk, trainer, 1, {"1": "1"})


def test_hostile_answers_are_dropped(quiz, enrolled_officer):
    attempt, _ = engine.start_attempt(enrolled_officer, quiz, now=T0)
    outcome = engine.save_answers(
        attempt.pk, enrolled_officer, 1, {"1": "999999", "x": "1", "77": "1", "3": ["a" * 900]}
    )
    assert outcome.saved
    assert attempt.items.get(position=1).response is None
    assert attempt.items.get(position=3).response == "a" * 500


# Submission -----------------------------------------------------------------------------------------
def test_submit_grades_once_and_is_idempotent(quiz, enrolled_officer):
    attempt, _ = engine.start_attempt(enrolled_officer, quiz, now=T0)
    engine.save_answers(attempt.pk, enrolled_officer, 1, right_answers(attempt), now=T0 + minutes(1))
    done, graded_now = engine.submit_attempt(attempt.pk, enrolled_officer, now=T0 + minutes(2))
    assert graded_now and done.state == AttemptState.FINISHED and done.finish_reason == FinishReason.SUBMITTED
    assert (done.score, done.percent, done.passed) == (3, 100, True)
    again, graded_now = engine.submit_attempt(attempt.pk, enrolled_officer, sequence=9, answers={"1": None})
    assert not graded_now and again.score == 3 and again.finished_at == T0 + minutes(2)
    assert ActivityResult.objects.filter(user=enrolled_officer, page_id=quiz.pk).count() == 1
    assert engine.save_answers(attempt.pk, enrolled_officer, 10, {"1": None}).reason == "finished"


def test_submission_answers_follow_the_sequence_rule(quiz, enrolled_officer):
    attempt, _ = engine.start_attempt(enrolled_officer, quiz, now=T0)
    answers = right_answers(attempt)
    engine.save_answers(attempt.pk, enrolled_officer, 4, {"1": answers["1"]}, now=T0)
    done, _ = engine.submit_attempt(attempt.pk, enrolled_officer, sequence=3, answers=answers, now=T0)
    assert done.score == 1  # the stale submission's answers were ignored, the saved one graded


def test_partial_credit_and_results_reach_learning(quiz, enrolled_officer):
    attempt, _ = engine.start_attempt(enrolled_officer, quiz, now=T0)
    answers = right_answers(attempt)
    answers["2"] = answers["2"][:1]  # half of the multiple response
    answers["3"] = "photo"
    engine.submit_attempt(attempt.pk, enrolled_officer, sequence=1, answers=answers, now=T0)
    attempt.refresh_from_db()
    assert (attempt.score, attempt.percent, attempt.passed) == (Decimal("1.5"), Decimal("50"), False)
    result = ActivityResult.objects.get(user=enrolled_officer, page_id=quiz.pk)
    assert (result.score, result.max_score, result.passed, result.provenance) == (50, 100, False, "server")
    verbs = list(StatementOutbox.objects.filter(user=enrolled_officer).values_list("verb", flat=True))
    assert verbs.count("http://adlnet.gov/expapi/verbs/attempted") == 1
    assert verbs.count("http://adlnet.gov/expapi/verbs/answered") == 3
    assert "http://adlnet.gov/expapi/verbs/failed" in verbs
    answered = StatementOutbox.objects.filter(event_key=f"quiz-answered:{attempt.uuid}:2").get().statement
    assert answered["result"]["score"]["scaled"] == 0.5
    assert answered["context"]["contextActivities"]["parent"][0]["id"].endswith(f"/assessment/{quiz.pk}")


def test_each_answer_names_its_question_below_the_quiz_activity(quiz, enrolled_officer):
    attempt, _ = engine.start_attempt(enrolled_officer, quiz, now=T0)
    engine.submit_attempt(attempt.pk, enrolled_officer, sequence=1, answers=right_answers(attempt), now=T0)
    item = attempt.items.get(position=2)
    answered = StatementOutbox.objects.get(event_key=f"quiz-answered:{attempt.uuid}:2").statement
    quiz_id = answered["context"]["contextActivities"]["parent"][0]["id"]
    assert answered["object"]["id"] == f"{quiz_id}/question/{item.question_id}"
    assert answered["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert answered["object"]["definition"]["interactionType"] == "choice"


# Time limits on a frozen clock -----------------------------------------------------------------------
@pytest.fixture
def timed_quiz(module, fixed_questions):
    return add_quiz(module, [{"question": q} for q in fixed_questions], slug="timed", time_limit_minutes=10)


def test_time_limit_with_grace_for_the_last_save(timed_quiz, enrolled_officer, settings):
    settings.ASSESSMENTS_GRACE_SECONDS = 20
    attempt, _ = engine.start_attempt(enrolled_officer, timed_quiz, now=T0)
    assert attempt.deadline == T0 + minutes(10)
    answers = right_answers(attempt)
    late_but_in_grace = T0 + minutes(10) + timezone.timedelta(seconds=15)
    assert engine.save_answers(attempt.pk, enrolled_officer, 1, {"1": answers["1"]}, now=late_but_in_grace).saved
    too_late = T0 + minutes(10) + timezone.timedelta(seconds=25)
    outcome = engine.save_answers(attempt.pk, enrolled_officer, 2, {"2": answers["2"]}, now=too_late)
    assert (outcome.saved, outcome.reason) == (False, "time_up")
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED and attempt.finish_reason == FinishReason.TIMED_OUT
    assert attempt.score == 1  # graded from what was saved in time


def test_late_submission_grades_the_saved_answers(timed_quiz, enrolled_officer, monkeypatch):
    attempt, _ = engine.start_attempt(enrolled_officer, timed_quiz, now=T0)
    answers = right_answers(attempt)
    engine.save_answers(attempt.pk, enrolled_officer, 1, {"3": answers["3"]}, now=T0 + minutes(9))
    monkeypatch.setattr(timezone, "now", lambda: T0 + minutes(30))  # the clock the engine reads by default
    done, graded_now = engine.submit_attempt(attempt.pk, enrolled_officer, sequence=2, answers=answers)
    assert graded_now and done.finish_reason == FinishReason.TIMED_OUT and done.score == 1
    assert done.finished_at == T0 + minutes(30)


def test_abandoned_attempts_are_finished_by_the_sweep(timed_quiz, quiz, enrolled_officer, django_user_model):
    abandoned, _ = engine.start_attempt(enrolled_officer, timed_quiz, now=T0)
    engine.save_answers(abandoned.pk, enrolled_officer, 1, right_answers(abandoned), now=T0 + minutes(3))
    untimed, _ = engine.start_attempt(enrolled_officer, quiz, now=T0)
    assert engine.finish_overdue_attempts(now=T0 + minutes(10)) == 0  # still within time and grace
    assert engine.finish_overdue_attempts(now=T0 + minutes(11)) == 1
    abandoned.refresh_from_db()
    untimed.refresh_from_db()
    assert abandoned.state == AttemptState.FINISHED and abandoned.score == 3 and abandoned.passed
    assert untimed.state == AttemptState.IN_PROGRESS
    assert ActivityResult.objects.filter(page_id=timed_quiz.pk, passed=True).count() == 1


def test_the_background_task_finishes_an_overdue_attempt(timed_quiz, enrolled_officer, monkeypatch):
    from assessments.tasks import finish_attempt_if_overdue, finish_overdue_attempts_task

    attempt, _ = engine.start_attempt(enrolled_officer, timed_quiz, now=T0)
    monkeypatch.setattr(timezone, "now", lambda: T0 + minutes(5))
    assert finish_attempt_if_overdue.enqueue(attempt.pk).return_value == AttemptState.IN_PROGRESS
    monkeypatch.setattr(timezone, "now", lambda: T0 + minutes(11))
    assert finish_attempt_if_overdue.enqueue(attempt.pk).return_value == AttemptState.FINISHED
    assert finish_overdue_attempts_task.enqueue().return_value == 0


def test_resuming_after_the_deadline_finishes_and_starts_afresh(timed_quiz, enrolled_officer):
    first, _ = engine.start_attempt(enrolled_officer, timed_quiz, now=T0)
    second, created = engine.start_attempt(enrolled_officer, timed_quiz, now=T0 + minutes(60))
    first.refresh_from_db()
    assert created and second.number == 2 and first.finish_reason == FinishReason.TIMED_OUT


def test_an_attempt_that_cannot_be_overdue_is_not_locked_again(timed_quiz, quiz, enrolled_officer):
    timed, _ = engine.start_attempt(enrolled_officer, timed_quiz, now=T0)
    untimed, _ = engine.start_attempt(enrolled_officer, quiz, now=T0)
    with CaptureQueriesContext(connection) as queries:
        assert engine.finish_if_overdue(timed.pk, now=T0 + minutes(10), loaded=timed) is timed  # within grace
        assert engine.finish_if_overdue(untimed.pk, now=T0 + minutes(600), loaded=untimed) is untimed
    assert not queries.captured_queries
    done = engine.finish_if_overdue(timed.pk, now=T0 + minutes(11), loaded=timed)
    assert done.state == AttemptState.FINISHED and done.finish_reason == FinishReason.TIMED_OUT
    with CaptureQueriesContext(connection) as queries:
        assert engine.finish_if_overdue(done.pk, now=T0 + minutes(60), loaded=done) is done
    assert not queries.captured_queries


# Random draws -------------------------------------------------------------------------------------------
def test_random_draws_do_not_repeat_across_attempts_while_the_pool_allows(module, pool, category, enrolled_officer):
    quiz = add_quiz(module, [{"question": pool[0]}, {"category": category, "draw_count": 2}], slug="draw")
    rng = random.Random(7)
    seen = []
    for n in range(3):
        attempt, _ = engine.start_attempt(enrolled_officer, quiz, now=T0 + minutes(n), rng=rng)
        drawn = list(attempt.items.filter(slot_number=2).values_list("question_id", flat=True))
        assert len(drawn) == 2 and pool[0].pk not in drawn  # the fixed question is never drawn again
        seen.append(set(drawn))
        engine.submit_attempt(attempt.pk, enrolled_officer, now=T0 + minutes(n))
    assert len(seen[0] | seen[1]) == 4  # five drawable: the first two attempts share none
    assert len(seen[0] | seen[1] | seen[2]) == 5  # the unseen one comes before any repeat
    assert len(seen[2] - (seen[0] | seen[1])) == 1


def test_options_are_shuffled_per_attempt_but_answers_stay_put(module, category, enrolled_officer):
    question = make_question(category, "Many", choices=[(f"Option {n}", 1 if n == 0 else 0) for n in range(6)])
    quiz = add_quiz(module, [{"question": question}], slug="shuffle")
    attempt, _ = engine.start_attempt(enrolled_officer, quiz, rng=random.Random(3))
    item = attempt.items.get()
    assert sorted(item.option_order) == sorted(ids(attempt, 1)) and item.option_order != ids(attempt, 1)


# Versions and regrading -----------------------------------------------------------------------------------
def test_editing_a_question_creates_a_version_and_old_attempts_keep_theirs(quiz, fixed_questions, enrolled_officer):
    attempt, _ = engine.start_attempt(enrolled_officer, quiz, now=T0)
    photo = ids(attempt, 1)[1]
    engine.submit_attempt(attempt.pk, enrolled_officer, sequence=1, answers={"1": str(photo)}, now=T0)
    attempt.refresh_from_db()
    assert attempt.score == 0
    # The trainer finds the key was wrong: "Photo" should also earn full marks.
    Choice.objects.filter(pk=photo).update(fraction=1)
    question = fixed_questions[0]
    v2 = question.current_version()
    assert v2.number == 2 and attempt.items.get(position=1).version.number == 1
    regraded, changed = engine.regrade_attempt(attempt.pk, now=T0 + minutes(1))
    assert not changed and regraded.score == 0  # same version: same grade
    regraded, changed = engine.regrade_attempt(attempt.pk, use_latest_versions=True, now=T0 + minutes(2))
    assert changed and regraded.score == 1 and attempt.items.get(position=1).version == v2
    results = ActivityResult.objects.filter(page_id=quiz.pk).order_by("recorded_at", "pk")
    assert [r.score for r in results] == [0, Decimal("33.33")]


def test_versions_are_immutable(quiz, fixed_questions):
    from django.core.exceptions import ValidationError

    version = fixed_questions[0].current_version()
    with pytest.raises(ValidationError):
        version.save()


# Grading methods ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "expected", "passed"),
    [
        (GradingMethod.HIGHEST, Decimal("90"), True),
        (GradingMethod.LAST, Decimal("40"), False),
        (GradingMethod.FIRST, Decimal("60"), False),
        (GradingMethod.AVERAGE, Decimal("63.33"), False),
    ],
)
def test_grading_methods(method, expected, passed):
    quiz = SimpleNamespace(grading_method=method, pass_mark=Decimal("70"))
    attempts = [SimpleNamespace(percent=Decimal(p)) for p in ("60", "90", "40")]
    grade = engine.overall_grade(None, quiz, attempts)
    assert (grade.percent, grade.passed, grade.attempts) == (expected, passed, 3)
    assert engine.overall_grade(None, quiz, []).percent is None


def test_grading_method_decides_the_recorded_result(module, fixed_questions, enrolled_officer):
    quiz = add_quiz(module, [{"question": fixed_questions[0]}], slug="last", grading_method=GradingMethod.LAST)
    first, _ = engine.start_attempt(enrolled_officer, quiz, now=T0)
    engine.submit_attempt(first.pk, enrolled_officer, sequence=1, answers={"1": str(ids(first, 1)[0])}, now=T0)
    second, _ = engine.start_attempt(enrolled_officer, quiz, now=T0 + minutes(1))
    engine.submit_attempt(second.pk, enrolled_officer, now=T0 + minutes(1))
    scores = list(ActivityResult.objects.filter(page_id=quiz.pk).order_by("pk").values_list("score", "passed"))
    assert scores == [(100, True), (0, False)]


def test_current_versions_of_many_questions_in_three_queries(category, fixed_questions, django_assert_num_queries):
    more = [make_question(category, f"Extra {n}") for n in range(7)]
    questions = fixed_questions + more
    singly = {question.pk: question.current_version() for question in questions}
    with django_assert_num_queries(3):  # choices, competencies, stored versions
        batched = engine.current_versions(questions)
    assert batched == singly
    Choice.objects.filter(question=more[0]).update(fraction=Decimal("0.5"))
    changed = engine.current_versions(questions)
    assert changed[more[0].pk].number == 2 and changed[more[0].pk] == more[0].current_version()
    assert all(changed[q.pk] == singly[q.pk] for q in questions if q != more[0])
