"""Single choice (Moodle: multichoice, one answer): one option, its credit."""

from xml.etree.ElementTree import SubElement  # noqa: S405 - building output only

from django.utils.translation import gettext_lazy as _

from assessments.formats.xml_syntax import flag, write_answers
from assessments.qtypes.base import ZERO, Grade, as_int, credit, first_value, graded, pick
from assessments.qtypes.options import ChoiceType


class SingleChoice(ChoiceType):
    code = "single"
    label = _("Single choice")
    xapi_interaction = "choice"
    shuffles_options = True
    moodle_xml_type = "multichoice"
    moodle_xml_reads = ("multichoice",)
    gift_order = 20

    def response_from_post(self, data, post, key):
        return post.get(key)

    def clean_response(self, data, raw):
        value = as_int(first_value(raw))
        return value if value in {choice["id"] for choice in data["choices"]} else None

    def grade(self, data, response):
        choice = next((c for c in data["choices"] if c["id"] == response), None)
        if choice is None:
            return Grade(ZERO, "incorrect")
        return graded(credit(choice), [choice["id"]])

    def correct_response_text(self, data, language):
        best = max(data["choices"], key=credit, default=None)
        return self.plain(data, pick(best["text"], language)) if best else ""

    # GIFT: answers with ``~`` and an ``=`` (Moodle: multichoice, single answer).
    def gift_claims(self, answers):
        return "~" in answers and "=" in answers

    def xml_claims(self, element):
        return flag(element, "single", True)

    def xml_write(self, data, element, writer):
        SubElement(element, "single").text = "true"
        write_answers(data, element, writer)


TYPE = SingleChoice()
