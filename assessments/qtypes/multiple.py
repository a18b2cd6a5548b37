"""Multiple response (Moodle: multichoice with several answers): the chosen options' credits add up."""

from decimal import Decimal
from xml.etree.ElementTree import SubElement  # noqa: S405 - building output only

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.formats.xml_syntax import flag, write_answers
from assessments.qtypes.base import ONE, ZERO, Grade, as_int, credit, graded, pick
from assessments.qtypes.options import ChoiceType


class MultipleResponse(ChoiceType):
    code = "multiple"
    label = _("Multiple response")
    xapi_interaction = "choice"
    shuffles_options = True
    needs_full_credit = False
    moodle_xml_type = "multichoice"
    moodle_xml_reads = ("multichoice",)
    gift_order = 20
    single = False

    def response_from_post(self, data, post, key):
        return post.getlist(key)

    def clean_response(self, data, raw):
        ids = {choice["id"] for choice in data["choices"]}
        values = raw if isinstance(raw, list) else [raw]
        chosen = sorted({v for v in (as_int(x) for x in values) if v in ids})
        return chosen or None

    def grade(self, data, response):
        if not response:
            return Grade(ZERO, "unanswered")
        choices = {choice["id"]: choice for choice in data["choices"]}
        selected = [choices[cid] for cid in response if cid in choices]
        parts = {str(cid): credit(choice) > 0 for cid, choice in choices.items() if cid in response}
        if data.get("scoring") == "all":
            wanted = {cid for cid, choice in choices.items() if credit(choice) > 0}
            fraction = ONE if set(response) == wanted else ZERO
        else:
            # Sum of the chosen options' credits (negative ones are penalties), kept within 0..1.
            fraction = sum((credit(choice) for choice in selected), ZERO)
        return graded(fraction, [choice["id"] for choice in selected], parts)

    def correct_response_text(self, data, language):
        return "; ".join(self.plain(data, pick(c["text"], language)) for c in data["choices"] if credit(c) > 0)

    def check(self, question):
        problems = super().check(question)
        total = sum((c.fraction for c in question.choices if c.fraction > 0), Decimal(0))
        if total.quantize(Decimal("0.01")) != 1:  # as Moodle checks it (rounded to 1%)
            problems.append(
                gettext("the positive answer weights add up to %(total)s%%, not 100%%")
                % {"total": f"{total * 100:.0f}"}
            )
        return problems

    # GIFT: answers with ``~`` and no ``=`` (Moodle: multichoice, several answers).
    def gift_claims(self, answers):
        return "~" in answers and "=" not in answers

    def xml_claims(self, element):
        return not flag(element, "single", True)

    def xml_write(self, data, element, writer):
        SubElement(element, "single").text = "false"
        write_answers(data, element, writer)


TYPE = MultipleResponse()
