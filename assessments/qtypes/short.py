"""Short answer: typed text compared with accepted answers (``*`` as a wildcard, case folded unless set)."""

from decimal import Decimal
from xml.etree.ElementTree import SubElement  # noqa: S405 - building output only

from django.utils.translation import gettext_lazy as _

from assessments.formats.common import ParsedChoice
from assessments.formats.gift_syntax import escape, explode, plain_text, split_feedback, weight, weight_text
from assessments.formats.xml_syntax import flag, fraction, write_answers
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
    rich_choices = False
    xapi_interaction = "fill-in"
    moodle_xml_type = "shortanswer"
    moodle_xml_reads = ("shortanswer",)
    gift_order = 50

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

    # GIFT: what no other type claims (Moodle's shortanswer): ``=a =%50%b``, or one answer alone ``{One}``.
    def gift_claims(self, answers):
        return True

    def gift_read(self, answers, question, context):
        for piece in explode(answers, "="):
            given, piece = weight(piece)
            answer, feedback = split_feedback(piece)
            answer = plain_text(answer)
            if answer:  # an empty answer is dropped, as Moodle saves it
                question.choices.append(
                    ParsedChoice(answer, Decimal(1) if given is None else given, context.text(feedback))
                )

    def gift_write(self, data, writer):
        lines = []
        for choice in data["choices"]:
            feedback = writer.text(choice["feedback"])
            lines.append(
                f"  ={weight_text(choice['fraction'], 1)}{escape(writer.pick(choice['text']))}"
                + (f"#{feedback}" if feedback else "")
            )
        return "\n" + "\n".join(lines)

    # Moodle XML: <usecase>, answers as plain text.
    def xml_read(self, element, question, context):
        question.case_sensitive = flag(element, "usecase", False)
        for answer in element.findall("answer"):
            question.choices.append(
                ParsedChoice(context.plain(answer, "text"), fraction(answer), context.text(answer, "feedback"))
            )

    def xml_write(self, data, element, writer):
        SubElement(element, "usecase").text = "1" if data.get("case_sensitive") else "0"
        write_answers(data, element, writer)


TYPE = ShortAnswer()
