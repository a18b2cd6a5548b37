"""True or false: a single choice between "True" and "False", each with the feedback for choosing it."""

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from assessments.formats.common import ParsedChoice
from assessments.formats.gift_syntax import find_unescaped, split_unescaped, unescape
from assessments.formats.xml_syntax import XmlError, fraction, rich, text_of, write_answers
from assessments.qtypes.base import pick
from assessments.qtypes.single import SingleChoice
from elearning.languages import LANGUAGE_CODES

TRUE, FALSE = _("True"), _("False")
GIFT_ANSWERS = ("T", "TRUE", "F", "FALSE")


class TrueFalse(SingleChoice):
    code = "truefalse"
    label = _("True or false")
    xapi_interaction = "true-false"
    shuffles_options = False
    moodle_xml_type = "truefalse"
    moodle_xml_reads = ("truefalse",)
    gift_order = 20

    def choice_texts(self, parsed_choice, language):
        """ "True"/"False" in every platform language, whatever the file's language."""
        label = TRUE if parsed_choice.text == "True" else FALSE
        texts = {}
        for code in LANGUAGE_CODES:
            with translation.override(code):
                texts[code] = str(label)
        return texts

    # GIFT: ``{T}``, ``{FALSE#feedback when answered wrongly#feedback when answered rightly}``
    @staticmethod
    def _head(answers):
        answers = answers.strip()
        cut = find_unescaped(answers, "#")
        return (answers[:cut] if cut >= 0 else answers).strip(), (answers[cut:] if cut >= 0 else "")

    def gift_claims(self, answers):
        return self._head(answers)[0].upper() in GIFT_ANSWERS

    def gift_read(self, answers, question, reader):
        head, tail = self._head(answers)
        truth = head.upper().startswith("T")
        feedbacks = [unescape(part) for _marker, part in split_unescaped(tail, "#")[1:]]
        wrong = feedbacks[0] if feedbacks else ""
        right = feedbacks[1] if len(feedbacks) > 1 else ""
        question.choices = [
            ParsedChoice("True", Decimal(1 if truth else 0), right if truth else wrong),
            ParsedChoice("False", Decimal(0 if truth else 1), wrong if truth else right),
        ]

    def gift_write(self, data, writer):
        true_choice = next(c for c in data["choices"] if writer.pick(c["text"]).lower().startswith(("t", "v")))
        return "T" if Decimal(true_choice["fraction"]) >= 1 else "F"

    # Moodle XML: two answers whose text is "true" and "false".
    def xml_claims(self, element):
        return True

    def xml_read(self, element, question, reader):
        for answer in element.findall("answer"):
            label = text_of(answer, "text").strip().lower()
            if label not in ("true", "false"):
                raise XmlError(f"a true/false answer must be “true” or “false”, not “{label}”")
            question.choices.append(ParsedChoice(label.capitalize(), fraction(answer), rich(answer, "feedback")))
        question.choices.sort(key=lambda c: c.text != "True")

    def xml_write(self, data, element, writer):
        write_answers(
            data,
            element,
            writer,
            text=lambda choice: "true" if pick(choice["text"], writer.language).lower().startswith("t") else "false",
        )


TYPE = TrueFalse()
