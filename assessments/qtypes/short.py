"""Short answer: typed text compared with accepted answers (``*`` as a wildcard, case folded unless set)."""

from decimal import Decimal
from xml.etree.ElementTree import SubElement  # noqa: S405 - building output only

from django.utils.translation import gettext_lazy as _

from assessments.formats.common import ParsedChoice
from assessments.formats.gift_syntax import answer_and_feedback, answer_parts, escape, unescape, weight, weight_text
from assessments.formats.xml_syntax import flag, fraction, rich, text_of, write_answers
from assessments.qtypes.base import (
    ZERO,
    Grade,
    QuestionType,
    best_text_match,
    clean_text,
    credit,
    graded,
    normalise_text,
    pick,
)


class ShortAnswer(QuestionType):
    code = "short"
    label = _("Short answer")
    xapi_interaction = "fill-in"
    moodle_xml_type = "shortanswer"
    moodle_xml_reads = ("shortanswer",)
    gift_order = 40

    def clean_response(self, data, raw):
        return clean_text(raw)

    def present(self, view, data, item, language):
        view["value"] = item.response or ""

    def grade(self, data, response):
        if not normalise_text(response):
            return Grade(ZERO, "unanswered")
        best = best_text_match(data["choices"], response, data.get("case_sensitive", False))
        if best is None:
            return Grade(ZERO, "incorrect")
        return graded(credit(best), [best["id"]])

    def correct_response_text(self, data, language):
        best = max(data["choices"], key=credit, default=None)
        return pick(best["text"], language) if best else ""

    # GIFT: only ``=`` answers, each may be weighted (``=%50%``).
    def gift_claims(self, answers):
        parts = answer_parts(answers)
        return bool(parts) and {marker for marker, _segment in parts} == {"="}

    def gift_read(self, answers, question, reader):
        for _marker, segment in answer_parts(answers):
            given, rest = weight(segment)
            answer, feedback = answer_and_feedback(rest)
            question.choices.append(ParsedChoice(unescape(answer), Decimal(1) if given is None else given, feedback))

    def gift_write(self, data, writer):
        lines = []
        for choice in data["choices"]:
            feedback = choice["feedback"].get("en")
            feedback = f"#{escape(feedback)}" if feedback else ""
            lines.append(f"  ={weight_text(choice['fraction'], 1)}{escape(writer.pick(choice['text']))}{feedback}")
        return "\n" + "\n".join(lines)

    # Moodle XML: <usecase>, answers as plain text.
    def xml_read(self, element, question, reader):
        question.case_sensitive = flag(element, "usecase", False)
        for answer in element.findall("answer"):
            question.choices.append(
                ParsedChoice(text_of(answer, "text").strip(), fraction(answer), rich(answer, "feedback"))
            )

    def xml_write(self, data, element, writer):
        SubElement(element, "usecase").text = "1" if data.get("case_sensitive") else "0"
        write_answers(data, element, writer)


TYPE = ShortAnswer()
