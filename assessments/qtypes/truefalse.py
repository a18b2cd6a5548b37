"""True or false: a single choice between "True" and "False", each with the feedback for choosing it."""

from decimal import Decimal
from xml.etree.ElementTree import SubElement  # noqa: S405 - building output only

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from assessments.formats.common import ParsedChoice
from assessments.formats.gift_syntax import split_feedback
from assessments.formats.xml_syntax import fraction, percent, text_of
from assessments.qtypes.single import SingleChoice
from elearning.languages import LANGUAGE_CODES

TRUE, FALSE = _("True"), _("False")
GIFT_ANSWERS = ("T", "TRUE", "F", "FALSE")  # case-sensitive, as in Moodle


def _labels(label):
    texts = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            texts[code] = str(label)
    return texts


def true_and_false(data):
    """The snapshot's (True choice, False choice), told by their labels in any language, else by order."""
    true_labels = {text.casefold() for text in _labels(TRUE).values()} | {"true"}
    choices = list(data["choices"])
    for index, choice in enumerate(choices):
        if any(str(text).strip().casefold() in true_labels for text in choice["text"].values()):
            other = choices[1 - index] if len(choices) == 2 else None
            return choice, other
    return (choices + [None, None])[0], (choices + [None, None])[1]


class TrueFalse(SingleChoice):
    code = "truefalse"
    label = _("True or false")
    xapi_interaction = "true-false"
    shuffles_options = False
    moodle_grades = False  # Moodle stores which answer is right, not grades
    moodle_xml_type = "truefalse"
    moodle_xml_reads = ("truefalse",)
    gift_order = 40

    def choice_texts(self, parsed_choice, language):
        """ "True"/"False" in every platform language, whatever the file's language."""
        return _labels(TRUE if parsed_choice.text == "True" else FALSE)

    # GIFT: ``{T}``, ``{FALSE#feedback when answered wrongly#feedback when answered rightly}``
    def gift_claims(self, answers):
        cut = answers.find("#")
        head = answers[:cut].strip() if cut > 0 else answers
        return head in GIFT_ANSWERS

    def gift_read(self, answers, question, context):
        head, wrong, right = split_feedback(answers, 3)
        truth = head.strip() in ("T", "TRUE")
        wrong, right = context.text(wrong), context.text(right)
        question.choices = [
            ParsedChoice("True", Decimal(1 if truth else 0), right if truth else wrong),
            ParsedChoice("False", Decimal(0 if truth else 1), wrong if truth else right),
        ]

    def gift_write(self, data, writer):
        true, false = true_and_false(data)
        truth = true is not None and Decimal(true["fraction"]) >= 1
        right, wrong = (true, false) if truth else (false, true)
        right_text = writer.text(right["feedback"]) if right else ""
        wrong_text = writer.text(wrong["feedback"]) if wrong else ""
        out = "TRUE" if truth else "FALSE"
        if wrong_text or right_text:
            out += f"#{wrong_text}"
        if right_text:
            out += f"#{right_text}"
        return out

    # Moodle XML: two answers whose text is "true" and "false" (old files: in that order).
    def xml_claims(self, element):
        return True

    def xml_read(self, element, question, context):
        question.shuffle = False
        for index, answer in enumerate(element.findall("answer")[:2]):
            label = text_of(answer, "text").strip().lower()
            if label not in ("true", "false"):
                label = "true" if index == 0 else "false"
            correct = fraction(answer) == 1
            question.choices.append(
                ParsedChoice(label.capitalize(), Decimal(1 if correct else 0), context.text(answer, "feedback"))
            )
        question.choices.sort(key=lambda c: c.text != "True")

    def xml_write(self, data, element, writer):
        true, false = true_and_false(data)
        for choice, label in ((true, "true"), (false, "false")):
            if choice is None:
                continue
            answer = SubElement(
                element, "answer", {"fraction": percent(choice["fraction"]), "format": "moodle_auto_format"}
            )
            SubElement(answer, "text").text = label
            writer.text_element(answer, "feedback", choice.get("feedback"))


TYPE = TrueFalse()
