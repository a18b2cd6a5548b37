"""Server time for an answer save and for grading a 50-question attempt.

    .venv/bin/python bench/assessments_bench.py            # SQLite (a throwaway file)
    DATABASE_URL=postgres://... .venv/bin/python bench/assessments_bench.py

Builds its own data in a fresh test database (Django's test runner machinery), measures the
engine functions the views call (``save_answers``, ``submit_attempt``) and the autosave view end to
end through the test client, then drops the database.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

QUESTIONS = 50
SAVES = 200
ATTEMPTS = 10


def build(module, user):
    from decimal import Decimal

    from assessments.models import Choice, Question, QuestionCategory, QuizPage, QuizSlot

    category = QuestionCategory.objects.create(name_en="Bench", name="Bench", slug="bench")
    kinds = ["single", "multiple", "short", "numeric", "matching", "ordering", "blanks", "truefalse"]
    for n in range(QUESTIONS):
        kind = kinds[n % len(kinds)]
        text = "Fill [[1]] and [[2]]." if kind == "blanks" else f"Question {n}?"
        question = Question.objects.create(
            category=category, name=f"Q{n}", qtype=kind, text_en=text, units="GB 1\nMB 1024"
        )
        for c in range(4):
            Choice.objects.create(
                question=question,
                sort_order=c,
                text_en=f"answer {c}",
                match_text_en=f"match {c}",
                fraction=Decimal("1" if c == 0 else ("0.5" if kind == "multiple" and c == 1 else "0")),
                value=Decimal(c) if kind == "numeric" else None,
                tolerance=Decimal("0.1"),
                blank=(c % 2) + 1 if kind == "blanks" else None,
            )
    quiz = QuizPage(title="Bench quiz", slug="bench-quiz", time_limit_minutes=600)
    quiz.slots.add(QuizSlot(category=category, draw_count=QUESTIONS))
    module.add_child(instance=quiz)
    quiz.save_revision().publish()
    return QuizPage.objects.get(pk=quiz.pk)


def answers_for(attempt):
    answers = {}
    for item in attempt.items.select_related("version"):
        data = item.version.data
        ids = [c["id"] for c in data["choices"]]
        answers[str(item.position)] = {
            "single": str(ids[0]),
            "truefalse": str(ids[0]),
            "multiple": [str(ids[0]), str(ids[1])],
            "short": "answer 0",
            "numeric": "0",
            "matching": {str(i): str(i) for i in ids},
            "ordering": [str(i) for i in reversed(ids)],
            "blanks": {"1": "answer 0", "2": "answer 1"},
        }[data["type"]]
    return answers


def timed(fn, repeat):
    samples = []
    for n in range(repeat):
        start = time.perf_counter()
        fn(n)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(label, samples):
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"{label:<58} median {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms   (n={len(samples)})")


def main():
    from django.test import Client
    from django.test.runner import DiscoverRunner

    from accounts.models import User
    from assessments import engine
    from courses.demo.loader import load_demo_courses
    from courses.models import ModulePage
    from learning.api import enrol

    setup_test_environment()
    runner = DiscoverRunner(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        courses = load_demo_courses(ROOT / "tests" / "fixtures" / "demo_content")
        course = courses[0]
        module = ModulePage.objects.child_of(course).first()
        user = User.objects.create_user("bench@example.test", "a-strong-pass-phrase")
        enrol(user, course, check_policy=False)
        quiz = build(module, user)
        print(f"Database: {connection.vendor}; {QUESTIONS}-question attempt, all eight question types")

        attempt, _ = engine.start_attempt(user, quiz)
        answers = answers_for(attempt)
        keys = list(answers)
        report(
            "save_answers(): one answer (engine, locked transaction)",
            timed(
                lambda n: engine.save_answers(
                    attempt.pk, user, n + 1, {keys[n % QUESTIONS]: answers[keys[n % QUESTIONS]]}
                ),
                SAVES,
            ),
        )
        sequence = SAVES + 1
        client = Client()
        client.force_login(user)
        save_url = quiz.url + quiz.reverse_subpage("save_route", kwargs={"attempt_id": attempt.uuid})

        def post(n):
            item = keys[n % QUESTIONS]
            value = answers[item]
            data = {"sequence": str(sequence + n), "positions": [item]}
            if isinstance(value, str | list):
                data[f"q{item}"] = value
            response = client.post(save_url, data)
            assert response.status_code == 200, response.content

        report("autosave view: POST one answer (HTTP round trip in-process)", timed(post, SAVES))

        def grade(n):
            current, _ = engine.start_attempt(user, quiz)
            engine.save_answers(current.pk, user, 10**6, answers_for(current))
            start = time.perf_counter()
            engine.submit_attempt(current.pk, user)
            grade.samples.append((time.perf_counter() - start) * 1000)

        grade.samples = []
        for n in range(ATTEMPTS):
            grade(n)
        report(f"submit_attempt(): grade {QUESTIONS} questions + report to learning", grade.samples)
        from assessments.engine import grade_items

        finished = engine.attempts_of(user, quiz).filter(state="finished").first()
        report(f"grade_items(): grading only, {QUESTIONS} questions", timed(lambda n: grade_items(finished), 50))
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
