"""Question bank and quiz fixtures (built with the ORM: small, explicit, fast)."""

from decimal import Decimal

import pytest

from assessments.models import Choice, Question, QuestionCategory, QuizPage, QuizSlot
from courses.models import ModulePage


def make_question(category, name, qtype="single", choices=(("Right", 1), ("Wrong", 0)), **fields):
    question = Question(qtype=qtype, category=category, name=name, text_en=fields.pop("text", f"{name}?"), **fields)
    question.save()
    for order, spec in enumerate(choices):
        text, fraction, *extra = spec
        Choice.objects.create(
            question=question,
            sort_order=order,
            text_en=text,
            fraction=Decimal(str(fraction)),
            **(extra[0] if extra else {}),
        )
    return question


@pytest.fixture
def category(db):
    return QuestionCategory.objects.create(name_en="Evidence", name="Evidence", slug="evidence")


@pytest.fixture
def pool(category):
    """Six single-choice questions in one category."""
    return [make_question(category, f"Pool {n}", text=f"Pool question {n}?") for n in range(1, 7)]


def add_quiz(module, slots, **fields):
    quiz = QuizPage(title=fields.pop("title", "Check your knowledge"), slug=fields.pop("slug", "quiz"), **fields)
    for order, slot in enumerate(slots):
        quiz.slots.add(QuizSlot(sort_order=order, **slot))
    module.add_child(instance=quiz)
    quiz.save_revision().publish()
    return QuizPage.objects.get(pk=quiz.pk)


@pytest.fixture
def module(police_course):
    return ModulePage.objects.child_of(police_course).order_by("path").first()


@pytest.fixture
def fixed_questions(category):
    return [
        make_question(
            category, "Hash", text="What proves a copy is identical?", choices=(("Hash value", 1), ("Photo", 0))
        ),
        make_question(
            category,
            "Volatile",
            qtype="multiple",
            choices=(("RAM", "0.5"), ("Network connections", "0.5"), ("Hard disk", "-1")),
        ),
        make_question(category, "Tool", qtype="short", choices=(("write blocker", 1),)),
    ]


@pytest.fixture
def quiz(module, fixed_questions):
    return add_quiz(module, [{"question": q} for q in fixed_questions], pass_mark=Decimal("60"))


@pytest.fixture
def enrolled_officer(officer, police_course):
    from learning.enrolment import enrol

    enrol(officer, police_course, check_policy=False)
    return officer
