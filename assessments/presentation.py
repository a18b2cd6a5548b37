"""What the officer's browser receives: questions without answers, and the review the quiz allows.

``present()`` builds the data a template renders from an item's snapshot. Before the review it never
includes credits, feedback, accepted answers, numeric values or the correct order.
"""

from decimal import Decimal

from django.conf import settings

from assessments import qtypes
from assessments.grading import correct_response_text, grade
from assessments.qtypes.base import pick, shown

__all__ = ["answers_from_post", "needs_report", "needs_threshold", "pick", "present"]


def present(item, language, review=None):
    """A template-ready view of ``item``; ``review`` is the quiz's review options once submitted."""
    data = item.version.data
    question_type = qtypes.of(data)
    view = {
        "position": item.position,
        "type": question_type.code,
        "template": question_type.template,
        "answer_template": question_type.answer_template,
        "text": pick(data["text"], language),
        "text_html": shown(data, pick(data["text"], language)),
        "mark": item.mark,
        "answered": item.response is not None,
    }
    question_type.present(view, data, item, language)
    if review is not None:
        view["review"] = _review(item, data, language, review)
    return view


def _review(item, data, language, options):
    result = grade(data, item.response)
    choices = {choice["id"]: choice for choice in data["choices"]}
    review = {"state": result.state if options["correctness"] else None}
    if options["score"]:
        review["awarded"] = item.awarded if item.awarded is not None else Decimal(0)
    if options["feedback"]:
        feedback = [pick(choices[cid]["feedback"], language) for cid in result.feedback_choices]
        review["feedback"] = [shown(data, text) for text in feedback if text]
        general, explanation = pick(data.get("general_feedback"), language), pick(data.get("explanation"), language)
        review["general_feedback"] = shown(data, general) if general else ""
        review["explanation"] = shown(data, explanation) if explanation else ""
    if options["answers"]:
        review["correct_answer"] = correct_response_text(data, language)
    if options["correctness"] and result.parts:
        review["parts"] = result.parts
    return review


# Reading the form --------------------------------------------------------------------------------
def answers_from_post(items, post):
    """``{position: raw response}`` for the items shown on the form (absent fields mean "no answer")."""
    answers = {}
    for item in items:
        data = item.version.data
        answers[item.position] = qtypes.of(data).response_from_post(data, post, f"q{item.position}")
    return answers


def problems(items):
    """``{"q<position>": message}`` for the shown items' saved answers (empty message: nothing to fix)."""
    found = {}
    for item in items:
        data = item.version.data
        found[f"q{item.position}"] = str(qtypes.of(data).response_problem(data, item.response))
    return found


# Needs assessment -------------------------------------------------------------------------------
def needs_threshold():
    return Decimal(str(getattr(settings, "ASSESSMENTS_NEEDS_THRESHOLD", 70)))


def needs_report(attempt):
    """Per competency: the officer's percentage, whether to strengthen it, and what teaches it."""
    from assessments.needs import competency_scores, resources_for

    scores = competency_scores([attempt])
    threshold = needs_threshold()
    resources = resources_for(scores.keys())
    report = []
    for code, (awarded, possible) in scores.items():
        percent = (awarded * 100 / possible).quantize(Decimal("1")) if possible else Decimal(0)
        competency, pages = resources.get(code, (None, []))
        if competency is None:
            continue
        report.append(
            {"competency": competency, "percent": percent, "strengthen": percent < threshold, "pages": pages}
        )
    report.sort(key=lambda row: (not row["strengthen"], row["percent"], row["competency"].code))
    return report
