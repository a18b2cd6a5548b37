"""Demo needs assessments: one diagnostic quiz per audience, six languages (data in assessments/demo/*.json).

``manage.py load_demo`` (devtools) runs ``demo_step`` after the demo courses exist. Idempotent:
existing competencies are refreshed, existing questions and quizzes are left as they are (their
versions may already be used by attempts).
"""

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from assessments import qtypes
from assessments.qtypes.numeric import parse_units
from elearning.languages import PLATFORM_LANGUAGES

DEMO_DIR = Path(__file__).resolve().parent
AUDIENCE_FILES = ("police.json", "prosecutors.json", "judges.json")
CATEGORY_NAMES = {
    "police.json": "Needs assessments/Police",
    "prosecutors.json": "Needs assessments/Prosecutors",
    "judges.json": "Needs assessments/Judges",
}


def _set(obj, field, texts):
    for language in PLATFORM_LANGUAGES:
        value = (texts or {}).get(language.code)
        if value is not None:
            setattr(obj, f"{field}_{language.field_suffix}", value)


def check_document(data, name):
    """Problems in a demo file: every text in all six languages, a full-credit answer, known competencies."""
    problems = []
    codes = {language.code for language in PLATFORM_LANGUAGES}
    competencies = {c["code"] for c in data["competencies"]}

    def six(texts, where):
        missing = codes - {code for code, value in (texts or {}).items() if value}
        if missing:
            problems.append(f"{name}: {where} lacks {', '.join(sorted(missing))}")

    six(data["quiz"]["title"], "quiz title")
    six(data["quiz"]["introduction"], "quiz introduction")
    for competency in data["competencies"]:
        six(competency["name"], f"competency {competency['code']} name")
        six(competency["description"], f"competency {competency['code']} description")
    for question in data["questions"]:
        six(question["text"], question["name"])
        if question.get("explanation"):
            six(question["explanation"], f"{question['name']} explanation")
        if not set(question["competencies"]) <= competencies:
            problems.append(f"{name}: {question['name']} names an unknown competency")
        question_type = qtypes.get(question["type"])
        if question_type.needs_full_credit and not any(Decimal(c["fraction"]) >= 1 for c in question["choices"]):
            problems.append(f"{name}: {question['name']} has no full-credit answer")
        for code, spec in (question.get("units") or {}).items():
            try:
                parse_units(spec)
            except ValueError as error:
                problems.append(f"{name}: {question['name']} units ({code}): {error}")
        for choice in question["choices"]:
            if question_type.choices_have_text:
                six(choice["text"], f"{question['name']} answer")
            if choice.get("feedback"):
                six(choice["feedback"], f"{question['name']} feedback")
    return problems


def load_documents(directory=DEMO_DIR):
    documents, problems = [], []
    for name in AUDIENCE_FILES:
        data = json.loads((Path(directory) / name).read_text("utf-8"))
        problems.extend(check_document(data, name))
        documents.append((name, data))
    if problems:
        raise ValueError("\n".join(problems))
    return documents


def load_demo_assessments(directory=DEMO_DIR):
    """Create the competencies, questions and one diagnostic quiz per audience course. Returns the quizzes."""
    from assessments.models import (
        Choice,
        Competency,
        CompetencyResource,
        Question,
        QuestionCategory,
        QuizPage,
        QuizSlot,
    )
    from courses.models import CoursePage, LessonPage, ModulePage

    quizzes = []
    with transaction.atomic():
        for name, data in load_documents(directory):
            course = CoursePage.objects.filter(slug=data["course"]).first()
            module = ModulePage.objects.child_of(course).order_by("path").first() if course else None
            if module is None:
                continue  # the demo courses are not loaded: nothing to attach the quiz to
            for item in data["competencies"]:
                competency = Competency.objects.filter(code=item["code"]).first() or Competency(code=item["code"])
                competency.name = item["name"]["en"]
                _set(competency, "name", item["name"])
                _set(competency, "description", item["description"])
                competency.save()
                lessons = LessonPage.objects.descendant_of(course).filter(slug__in=item["lessons"])
                competency.resources.all().delete()
                for order, lesson in enumerate(sorted(lessons, key=lambda page: item["lessons"].index(page.slug))):
                    CompetencyResource.objects.create(competency=competency, page=lesson, sort_order=order)
            category = QuestionCategory.for_path(CATEGORY_NAMES[name])
            questions = []
            for item in data["questions"]:
                question = Question.objects.filter(category=category, name=item["name"]).first()
                if question is None:
                    question = Question(category=category, name=item["name"], qtype=item["type"])
                    _set(question, "text", item["text"])
                    _set(question, "explanation", item.get("explanation"))
                    _set(question, "units", item.get("units"))
                    question.shuffle_options = qtypes.get(item["type"]).shuffles_options
                    question.save()
                    for order, spec in enumerate(item["choices"]):
                        choice = Choice(
                            question=question,
                            sort_order=order,
                            fraction=Decimal(spec["fraction"]),
                            value=Decimal(spec["value"]) if spec.get("value") is not None else None,
                            tolerance=Decimal(spec.get("tolerance", "0")),
                        )
                        _set(choice, "text", spec.get("text"))
                        _set(choice, "feedback", spec.get("feedback"))
                        choice.save()
                    question.competencies.set(Competency.objects.filter(code__in=item["competencies"]))
                questions.append(question)
            quiz = QuizPage.objects.child_of(module).filter(slug=data["quiz"]["slug"]).first()
            if quiz is None:
                quiz = QuizPage(
                    slug=data["quiz"]["slug"],
                    title=data["quiz"]["title"]["en"],
                    diagnostic=True,
                    pass_mark=Decimal("0"),
                    review_answers_after=True,
                )
                _set(quiz, "title", data["quiz"]["title"])
                _set(quiz, "introduction", data["quiz"]["introduction"])
                for order, question in enumerate(questions):
                    quiz.slots.add(QuizSlot(sort_order=order, question=question))
                first = module.get_first_child()
                module.add_child(instance=quiz)
                quiz.save_revision().publish()
                if first is not None:  # a pre-training assessment comes before the lessons
                    quiz.move(first, pos="left")
                quiz = QuizPage.objects.get(pk=quiz.pk)
            quizzes.append(quiz)
    return quizzes


def demo_step():
    """The ``load_demo`` step for assessments: one needs assessment per audience course."""
    quizzes = load_demo_assessments()
    return [f"Needs assessment: {quiz.title_en}" for quiz in quizzes]
