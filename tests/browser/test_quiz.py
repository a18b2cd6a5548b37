"""An officer takes a timed quiz in English and Arabic: answers, reloads mid-attempt, submits, reviews."""

import re
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from assessments.models import Attempt, AttemptItem, QuestionCategory
from courses.models import ModulePage
from tests.assessments.conftest import add_quiz, make_question
from tests.browser.conftest import run_axe, save_axe_report, serious_violations


def wait_until(check, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_timed_quiz_survives_a_reload_and_shows_the_review(
    live_server, police_course, officer, page, screenshot, language
):
    from learning.enrolment import enrol

    enrol(officer, police_course, check_policy=False)
    category = QuestionCategory.objects.create(name_en="Browser", name="Browser", slug="browser")
    questions = [
        make_question(
            category,
            "Hash",
            text="What proves that a forensic copy is identical to the original?",
            choices=(("Matching hash values", 1), ("A photograph of the screen", 0)),
        ),
        make_question(
            category,
            "Volatile",
            qtype="multiple",
            text="Which data is lost when a running computer is switched off?",
            choices=(("RAM", "0.5"), ("Network connections", "0.5"), ("Files on the disk", "-1")),
        ),
        make_question(
            category,
            "Tool",
            qtype="short",
            text="Which device prevents writing to seized media?",
            choices=(("write blocker", 1),),
        ),
    ]
    for question in questions:
        question.text_ar = {
            "Hash": "ما الذي يثبت أن النسخة الجنائية مطابقة للأصل؟",
            "Volatile": "ما البيانات التي تُفقد عند إطفاء حاسوب قيد التشغيل؟",
            "Tool": "ما الجهاز الذي يمنع الكتابة على الوسائط المضبوطة؟",
        }[question.name]
        question.save()
    module = ModulePage.objects.child_of(police_course).order_by("path").first()
    quiz = add_quiz(
        module,
        [{"question": q} for q in questions],
        slug="timed-quiz",
        time_limit_minutes=10,
        review_answers_after=True,
        pass_mark=Decimal("50"),
    )

    client = Client()
    client.force_login(officer)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    quiz_url = f"{live_server.url}/{language}{quiz.url_path[len('/catalogue') :]}"
    page.goto(quiz_url)
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    page.locator("form[action$='/start/'] button").click()
    page.wait_for_url("**/attempt/**")
    assert page.locator("#quiz-timer").is_visible()
    attempt = Attempt.objects.get(user=officer, quiz=quiz)
    items = {i.question.name: i for i in AttemptItem.objects.filter(attempt=attempt).select_related("question")}
    first, second, third = (items[name].position for name in ("Hash", "Volatile", "Tool"))

    page.get_by_label("Matching hash values").check()
    page.get_by_label("RAM", exact=True).check()
    page.locator(f"input[name='q{third}']").fill("Write Blocker")
    assert wait_until(lambda: AttemptItem.objects.filter(attempt=attempt, response__isnull=False).count() == 3), (
        "the autosave did not reach the server"
    )
    screenshot(f"quiz-attempt-{language}")
    violations = run_axe(page)
    save_axe_report(f"quiz-attempt-{language}", violations)
    assert serious_violations(violations) == []

    page.reload()  # a crash, or the same attempt opened on another device
    assert page.locator(f"input[name='q{first}']:checked").count() == 1
    assert page.get_by_label("Matching hash values").is_checked()
    assert page.get_by_label("RAM", exact=True).is_checked()
    assert not page.get_by_label("Network connections").is_checked()
    assert page.locator(f"input[name='q{third}']").input_value() == "Write Blocker"
    assert page.locator(f"#question-{second}").is_visible()

    page.locator("#submit-attempt").click()
    page.wait_for_url("**/review/")
    assert re.match(r"2[.,]50 / 3 ", page.locator("#attempt-score").inner_text())
    assert page.locator(".review-item--partial").count() == 1
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    screenshot(f"quiz-review-{language}")
    violations = run_axe(page)
    save_axe_report(f"quiz-review-{language}", violations)
    assert serious_violations(violations) == []
    attempt.refresh_from_db()
    assert attempt.state == "finished" and attempt.score == Decimal("2.5") and attempt.passed
