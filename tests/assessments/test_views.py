"""Officer views: no answers leak before the review allows, autosave 409s, only one's own attempts, RTL."""

import re
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from assessments import engine
from assessments.models import Attempt, AttemptState

from .conftest import add_quiz, make_question


def url(quiz, name, attempt=None):
    kwargs = {"attempt_id": attempt.uuid} if attempt else {}
    return quiz.url + quiz.reverse_subpage(name, kwargs=kwargs)


@pytest.fixture
def every_type(module, category):
    questions = [
        make_question(category, "Single", choices=(("Hash value", 1), ("plain wrong", 0))),
        make_question(category, "Short", qtype="short", choices=(("SECRET-short", 1),)),
        make_question(category, "Numeric", qtype="numeric", choices=(("", 1, {"value": "4096.125"}),)),
        make_question(
            category, "Order", qtype="ordering", choices=(("first step", 0), ("second step", 0), ("third", 0))
        ),
        make_question(
            category,
            "Match",
            qtype="matching",
            choices=(("MD5", 0, {"match_text_en": "hash"}), ("Faraday bag", 0, {"match_text_en": "isolation"})),
        ),
        make_question(
            category,
            "Blanks",
            qtype="blanks",
            text="A [[1]] prevents writes.",
            choices=(("SECRET-blank", 1, {"blank": 1}),),
            general_feedback_en="SECRET-general-feedback",
        ),
    ]
    return add_quiz(module, [{"question": q} for q in questions], slug="every-type", review_answers_after=False)


def test_the_attempt_page_never_contains_answers(client, every_type, enrolled_officer):
    client.force_login(enrolled_officer)
    response = client.post(url(every_type, "start_route"))
    attempt = Attempt.objects.get(user=enrolled_officer, quiz=every_type)
    assert response.status_code == 302 and response["Location"].endswith(url(every_type, "attempt_route", attempt))
    html = client.get(response["Location"]).content.decode()
    assert "SECRET" not in html and "4096" not in html and "fraction" not in html
    assert 'name="q1"' in html and "<fieldset" in html and "<legend" in html
    assert 'name="q6-b1"' in html and "first step" in html
    # The review with correct answers switched off still shows none of them.
    client.post(url(every_type, "attempt_route", attempt), {"action": "submit", "sequence": "1", "positions": ["1"]})
    review = client.get(url(every_type, "review_route", attempt)).content.decode()
    assert "SECRET-short" not in review and "SECRET-blank" not in review and "4096" not in review
    assert "SECRET-general-feedback" in review  # feedback is allowed after submitting


def test_review_shows_correct_answers_when_allowed(client, quiz, enrolled_officer):
    quiz.review_answers_after = True
    quiz.save_revision().publish()
    client.force_login(enrolled_officer)
    client.post(url(quiz, "start_route"))
    attempt = Attempt.objects.get(user=enrolled_officer)
    client.post(
        url(quiz, "attempt_route", attempt), {"action": "submit", "sequence": "1", "positions": ["3"], "q3": "x"}
    )
    review = client.get(url(quiz, "review_route", attempt)).content.decode()
    assert "write blocker" in review and "Correct answer:" in review and "Incorrect" in review


def test_autosave_and_replays(client, quiz, enrolled_officer):
    client.force_login(enrolled_officer)
    client.post(url(quiz, "start_route"))
    attempt = Attempt.objects.get(user=enrolled_officer)
    save = url(quiz, "save_route", attempt)
    first = client.post(save, {"sequence": "1", "positions": ["3"], "q3": "write blocker"})
    assert first.status_code == 200 and first.json()["sequence"] == 1
    replay = client.post(save, {"sequence": "1", "positions": ["3"], "q3": "something else"})
    assert replay.status_code == 409 and replay.json()["reason"] == "stale"
    assert attempt.items.get(position=3).response == "write blocker"
    # Resume (reload, or another device): the saved answer is in the form, with the next sequence.
    html = client.get(url(quiz, "attempt_route", attempt)).content.decode()
    assert 'value="write blocker"' in html and 'name="sequence" value="2"' in html
    submit = client.post(url(quiz, "submit_route", attempt), {"sequence": "2"})
    assert submit.json()["graded_now"] is True
    assert client.post(url(quiz, "submit_route", attempt), {"sequence": "3"}).json()["graded_now"] is False
    late = client.post(save, {"sequence": "9", "positions": ["3"], "q3": "x"})
    assert late.status_code == 409 and late.json()["finished"] is True


def test_no_js_form_saves_pages_and_submits(client, module, fixed_questions, enrolled_officer):
    quiz = add_quiz(module, [{"question": q} for q in fixed_questions], slug="paged", layout="one")
    client.force_login(enrolled_officer)
    client.post(url(quiz, "start_route"))
    attempt = Attempt.objects.get(user=enrolled_officer, quiz=quiz)
    page = url(quiz, "attempt_route", attempt)
    right = attempt.items.get(position=1).version.data["choices"][0]["id"]
    response = client.post(page, {"action": "next", "sequence": "1", "page": "1", "positions": ["1"], "q1": right})
    assert response["Location"].endswith("?page=2")
    html = client.get(response["Location"]).content.decode()
    assert 'name="q2"' in html and 'name="q1"' not in html
    stale = client.post(page + "?page=1", {"action": "save", "sequence": "1", "page": "1", "q1": ""})
    assert stale.status_code == 302
    assert attempt.items.get(position=1).response == right
    client.post(page + "?page=3", {"action": "submit", "sequence": "2", "page": "3", "q3": "write blocker"})
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED and attempt.score == 2


def test_officers_reach_only_their_own_attempts(client, quiz, enrolled_officer, django_user_model):
    attempt, _ = engine.start_attempt(enrolled_officer, quiz)
    other = django_user_model.objects.create_user("other@example.test", "a-strong-pass-phrase")
    client.force_login(other)
    for name in ("attempt_route", "review_route"):
        assert client.get(url(quiz, name, attempt)).status_code == 404
    assert client.post(url(quiz, "save_route", attempt), {"sequence": "1"}).status_code == 404
    assert client.post(url(quiz, "submit_route", attempt), {"sequence": "1"}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS
    client.logout()
    assert client.get(url(quiz, "attempt_route", attempt)).status_code == 302  # to the login page


def test_quiz_page_in_every_language(client, quiz, enrolled_officer):
    client.force_login(enrolled_officer)
    for language in ("en", "fr", "es", "ru", "ar", "zh-hans"):
        with translation.override(language):
            response = client.get(quiz.url.replace("/en/", f"/{language}/"))
        assert response.status_code == 200
        if language == "ar":
            assert 'dir="rtl"' in response.content.decode()


def test_quiz_home_lists_attempts_and_refusals(client, quiz, officer):
    client.force_login(officer)
    html = client.get(quiz.url).content.decode()
    assert "Enrol in the course to take this quiz." in html


# PostgreSQL concurrency -------------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_grade_exactly_once(courses, django_user_model):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks): set DATABASE_URL=postgres://… to run it")
    from django.db import close_old_connections

    from assessments.models import QuestionCategory
    from courses.models import CoursePage, ModulePage
    from learning.enrolment import enrol
    from learning.models import ActivityResult, StatementOutbox

    course = CoursePage.objects.get(slug="police-basics")
    module = ModulePage.objects.child_of(course).first()
    category = QuestionCategory.objects.create(name_en="Race", name="Race", slug="race")
    questions = [make_question(category, f"Race {n}") for n in range(3)]
    quiz = add_quiz(module, [{"question": q} for q in questions], slug="race")
    officer = django_user_model.objects.create_user("race@example.test", "a-strong-pass-phrase")
    enrol(officer, course, check_policy=False)
    attempt, _ = engine.start_attempt(officer, quiz)
    right = {str(i.position): str(i.version.data["choices"][0]["id"]) for i in attempt.items.all()}
    barrier, outcomes, errors = threading.Barrier(6), [], []

    def worker(n):
        try:
            barrier.wait()
            outcomes.append(engine.submit_attempt(attempt.pk, officer, sequence=n + 1, answers=right)[1])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(outcomes) == [False] * 5 + [True]
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED and attempt.score == 3
    assert ActivityResult.objects.filter(page_id=quiz.pk, user=officer).count() == 1
    assert StatementOutbox.objects.filter(event_key__startswith=f"quiz-answered:{attempt.uuid}").count() == 3


def test_autosave_queries_do_not_grow_with_the_quiz(client, module, category, enrolled_officer):
    counts = []
    for size in (3, 30):
        questions = [make_question(category, f"Q{size}-{n}") for n in range(size)]
        quiz = add_quiz(module, [{"question": q} for q in questions], slug=f"quiz-{size}")
        client.force_login(enrolled_officer)
        client.post(url(quiz, "start_route"))
        attempt = Attempt.objects.get(user=enrolled_officer, quiz=quiz)
        save = url(quiz, "save_route", attempt)
        choice = attempt.items.get(position=2).version.data["choices"][0]["id"]
        client.post(save, {"sequence": "1", "positions": ["1"], "q1": str(choice)})  # caches warm
        with CaptureQueriesContext(connection) as queries:
            response = client.post(save, {"sequence": "2", "positions": ["2"], "q2": str(choice)})
        assert response.status_code == 200
        counts.append(len(queries))
        assert attempt.items.get(position=2).response is not None
    assert counts[0] == counts[1] <= 14


def test_submission_queries_do_not_grow_with_the_quiz(client, module, category, enrolled_officer):
    from learning.models import StatementOutbox

    counts = []
    for size in (3, 30):
        questions = [make_question(category, f"S{size}-{n}") for n in range(size)]
        quiz = add_quiz(module, [{"question": q} for q in questions], slug=f"exam-{size}")
        client.force_login(enrolled_officer)
        client.post(url(quiz, "start_route"))
        attempt = Attempt.objects.get(user=enrolled_officer, quiz=quiz)
        data = {"sequence": "1", "positions": [str(n) for n in range(1, size + 1)]}
        for item in attempt.items.select_related("version"):
            data[f"q{item.position}"] = str(item.version.data["choices"][0]["id"])
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url(quiz, "submit_route", attempt), data).json()["graded_now"] is True
        counts.append(len(queries))
        answered = StatementOutbox.objects.filter(event_key__startswith=f"quiz-answered:{attempt.uuid}:")
        assert answered.count() == size  # one statement per answered question, in one insert
    assert counts[0] == counts[1]


def test_review_shows_typed_answers_of_every_type(client, every_type, enrolled_officer):
    """The officer's own answer, not "→ → →" (the review once iterated a dict's items for text answers)."""
    client.force_login(enrolled_officer)
    client.post(url(every_type, "start_route"))
    attempt = Attempt.objects.get(user=enrolled_officer, quiz=every_type)
    items = {i.version.data["name"]: i for i in attempt.items.select_related("version")}
    order = items["Order"].version.data["choices"]
    post = {"action": "submit", "sequence": "1", "positions": [str(i.position) for i in items.values()]}
    post[f"q{items['Short'].position}"] = "my short answer"
    post[f"q{items['Numeric'].position}"] = "٤٠٩٦٫١٢٥"
    for rank, choice in enumerate(order, start=1):
        post[f"q{items['Order'].position}-r{choice['id']}"] = str(rank)
    client.post(url(every_type, "attempt_route", attempt), post)
    for language in ("en", "ar"):
        with translation.override(language):
            review = client.get(url(every_type, "review_route", attempt).replace("/en/", f"/{language}/"))
        html = review.content.decode()
        answers = re.findall(r"<strong>[^<]*</strong>\s*(.*?)</p>", html, flags=re.S)
        assert "→ →" not in html
        assert any("my short answer" in answer for answer in answers)
        assert any("٤٠٩٦٫١٢٥" in answer for answer in answers)
        assert any("first step → second step → third" in answer for answer in answers)
    numeric = attempt.items.get(position=items["Numeric"].position)
    assert numeric.fraction == 1  # Arabic-Indic digits and decimal separator


def test_numeric_units_in_every_language_and_native_digits(client, module, category, enrolled_officer):
    """ "20 days" / "20 يومًا" were marked wrong: units are per question and per language, digits any script."""
    question = make_question(
        category,
        "Days",
        qtype="numeric",
        text="Within how many days?",
        choices=(("", 1, {"value": "20"}),),
        units_en="days 1\nweeks 0.142857142857",
        units_ar="يومًا 1\nيوم 1\nأيام 1",
        units_zh_hans="天 1",
    )
    plain = make_question(category, "Plain", qtype="numeric", text="How many?", choices=(("", 1, {"value": "3.5"}),))
    quiz = add_quiz(module, [{"question": question}, {"question": plain}], slug="units")
    client.force_login(enrolled_officer)
    client.post(url(quiz, "start_route"))
    attempt = Attempt.objects.get(user=enrolled_officer, quiz=quiz)
    with translation.override("ar"):
        html = client.get(url(quiz, "attempt_route", attempt).replace("/en/", "/ar/")).content.decode()
    assert "يومًا، يوم، أيام" in html or "يومًا, يوم, أيام" in html
    html = client.get(url(quiz, "attempt_route", attempt)).content.decode()
    assert "Your answer (a number with its unit: days, weeks)" in html and "Your answer (a number)" in html
    assert html.count('inputmode="decimal"') == 1  # not where a unit is typed
    save = url(quiz, "save_route", attempt)
    reply = client.post(save, {"sequence": "1", "positions": ["1", "2"], "q1": "20 apples", "q2": "3.5 kg"}).json()
    assert reply["problems"] == {
        "q1": "“apples” is not one of the units accepted.",
        "q2": "Type a number only, without a unit.",
    }
    assert "is not one of the units accepted" in client.get(url(quiz, "attempt_route", attempt)).content.decode()
    for sequence, (typed, expected) in enumerate(
        [("20 يومًا", 1), ("۲۰ يوم", 1), ("٢٠", 1), ("20 days", 1), ("20天", 1), ("3 weeks", 0), ("20 apples", 0)],
        start=2,
    ):
        reply = client.post(save, {"sequence": str(sequence), "positions": ["1"], "q1": typed}).json()
        assert reply["saved"] is True
        data = attempt.items.get(position=1)
        from assessments.grading import grade

        assert grade(data.version.data, data.response).fraction == expected, typed
    client.post(
        url(quiz, "attempt_route", attempt),
        {"action": "submit", "sequence": "20", "positions": ["1", "2"], "q1": "٢٠ يومًا", "q2": "٣٫٥"},
    )
    attempt.refresh_from_db()
    assert attempt.score == 2
    review = client.get(url(quiz, "review_route", attempt)).content.decode()
    assert "٢٠ يومًا" in review and "٣٫٥" in review
