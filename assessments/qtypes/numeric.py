"""Numeric: a number (in any script's digits, with an accepted unit) within a tolerance of an answer."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import SubElement  # noqa: S405 - building output only

from django.utils.translation import gettext_lazy as _

from assessments.formats.common import ParsedChoice
from assessments.formats.gift_syntax import (
    GiftError,
    answer_and_feedback,
    answer_parts,
    escape,
    number,
    unescape,
    weight,
    weight_text,
)
from assessments.formats.xml_syntax import XmlError, decimal, fraction, rich, text_of, write_answers
from assessments.qtypes.base import ZERO, Grade, QuestionType, ascii_digits, clean_text, credit, graded


# Numbers and units -------------------------------------------------------------------------
def parse_units(spec):
    """``"GB 1\\nMB 1024"`` -> ``[("GB", Decimal(1)), ("MB", Decimal(1024))]``; ValueError when malformed."""
    units = []
    for count, line in enumerate((spec or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = line.rsplit(None, 1)
        if len(parts) != 2:
            raise ValueError(f"line {count}: expected a unit and its multiplier, e.g. “MB 1024”")
        try:
            multiplier = Decimal(parts[1].replace(",", "."))
        except InvalidOperation as error:
            raise ValueError(f"line {count}: “{parts[1]}” is not a number") from error
        if multiplier <= 0:
            raise ValueError(f"line {count}: the multiplier must be positive")
        units.append((parts[0].strip(), multiplier))
    return units


_NUMBER = re.compile(r"^\s*([+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?)\s*(.*?)\s*$")


def parse_number(text, units=(), unit_required=False):
    """The response as a number in the base unit, or None. Accepts a comma as decimal separator."""
    text = ascii_digits(unicodedata.normalize("NFKC", str(text or ""))).strip()
    if not text:
        return None
    match = _NUMBER.match(text)
    if not match:
        return None
    number_text, unit_text = match.group(1), match.group(2)
    if "," in number_text and "." not in number_text:
        number_text = number_text.replace(",", ".")
    elif "," in number_text:
        return None
    try:
        value = Decimal(number_text)
    except InvalidOperation:
        return None
    if unit_text:
        for unit, multiplier in units:
            if unit_text == unit or unit_text.casefold() == unit.casefold():
                return value / multiplier
        return None  # an unknown unit is wrong, not ignored
    if unit_required and units:
        return None
    return value


class Numeric(QuestionType):
    code = "numeric"
    label = _("Numeric")
    xapi_interaction = "numeric"
    choices_have_text = False
    moodle_xml_type = "numerical"
    moodle_xml_reads = ("numerical",)
    gift_order = 10

    def clean_response(self, data, raw):
        return clean_text(raw)

    def present(self, view, data, item, language):
        view["value"] = item.response or ""

    def grade(self, data, response):
        if not str(response or "").strip():
            return Grade(ZERO, "unanswered")
        units = parse_units(data.get("units", ""))
        value = parse_number(response, units, data.get("unit_handling") == "required")
        if value is None:
            return Grade(ZERO, "incorrect")
        best = None
        for choice in data["choices"]:
            if choice.get("value") is None:
                continue
            target, tolerance = Decimal(choice["value"]), abs(Decimal(choice.get("tolerance") or 0))
            if abs(value - target) <= tolerance and (best is None or credit(choice) > credit(best)):
                best = choice
        if best is None:
            return Grade(ZERO, "incorrect")
        return graded(credit(best), [best["id"]])

    def correct_response_text(self, data, language):
        best = max((c for c in data["choices"] if c.get("value") is not None), key=credit, default=None)
        if not best:
            return ""
        value = Decimal(best["value"]).normalize()
        tolerance = Decimal(best.get("tolerance") or 0).normalize()
        units = parse_units(data.get("units", ""))
        unit = f" {units[0][0]}" if units else ""
        return f"{value:f}{unit}" + (f" ± {tolerance:f}" if tolerance else "")

    def check(self, question):
        problems = super().check(question)
        if any(c.value is None for c in question.choices):
            problems.append("a numeric answer is not a number")
        return problems

    # GIFT: ``{#3.5:0.1}``, ``{#1..5}``, ``{#=3.5:0.1 =%50%3.5:1 ~#other answers}``
    def gift_claims(self, answers):
        return answers.strip().startswith("#")

    @staticmethod
    def _value(text):
        text = unescape(text)
        if ".." in text:
            low, high = (number(part) for part in text.split("..", 1))
            if low > high:
                raise GiftError(f"the range {text} runs backwards")
            return (low + high) / 2, (high - low) / 2
        if ":" in text:
            value, tolerance = text.split(":", 1)
            return number(value), abs(number(tolerance))
        return number(text), Decimal(0)

    def gift_read(self, answers, question, reader):
        parts = answer_parts(answers.strip()[1:])
        if len(parts) == 1 and not parts[0][0]:
            answer, feedback = answer_and_feedback(parts[0][1])
            value, tolerance = self._value(answer)
            question.choices.append(ParsedChoice("", Decimal(1), feedback, value=value, tolerance=tolerance))
            return
        for marker, segment in parts:
            if not marker:
                raise GiftError(f"unexpected “{unescape(segment)}” in a numeric answer")
            given, rest = weight(segment)
            answer, feedback = answer_and_feedback(rest)
            if marker == "~":  # a wrong-answer feedback catch-all, nothing to grade
                continue
            value, tolerance = self._value(answer)
            fraction_ = Decimal(1) if given is None else given
            question.choices.append(ParsedChoice("", fraction_, feedback, value=value, tolerance=tolerance))

    def gift_write(self, data, writer):
        lines = []
        for choice in data["choices"]:
            tolerance = Decimal(choice["tolerance"]).normalize()
            value = Decimal(choice["value"]).normalize()
            feedback = choice["feedback"].get("en")
            feedback = f"#{escape(feedback)}" if feedback else ""
            lines.append(f"  ={weight_text(choice['fraction'], 1)}{value:f}:{tolerance:f}{feedback}")
        return "#\n" + "\n".join(lines)

    # Moodle XML: answers with <tolerance>, <units>, <unitgradingtype>.
    def xml_read(self, element, question, reader):
        for answer in element.findall("answer"):
            value_text = text_of(answer, "text").strip()
            if value_text == "*":  # Moodle's "any other answer" for feedback: nothing to grade
                continue
            question.choices.append(
                ParsedChoice(
                    "",
                    fraction(answer),
                    rich(answer, "feedback"),
                    value=decimal(value_text, "answer"),
                    tolerance=abs(decimal(text_of(answer, "tolerance", "0") or "0", "tolerance")),
                )
            )
        units = []
        for unit in element.findall("units/unit"):
            name = text_of(unit, "unit_name").strip()
            multiplier = decimal(text_of(unit, "multiplier", "1"), "multiplier")
            if not name:
                raise XmlError("a unit has no unit_name")
            units.append(f"{name} {multiplier.normalize():f}")
        question.units = "\n".join(units)
        if units and text_of(element, "unitgradingtype", "0").strip() not in ("", "0"):
            question.unit_handling = "required"

    def xml_write(self, data, element, writer):
        def tolerance(answer, choice):
            SubElement(answer, "tolerance").text = f"{Decimal(choice['tolerance']).normalize():f}"

        write_answers(data, element, writer, text=lambda c: f"{Decimal(c['value']).normalize():f}", extra=tolerance)
        if data.get("units"):
            units = SubElement(element, "units")
            for line in data["units"].splitlines():
                if line.strip():
                    name, multiplier = line.rsplit(None, 1)
                    unit = SubElement(units, "unit")
                    SubElement(unit, "multiplier").text = multiplier
                    SubElement(unit, "unit_name").text = name
            SubElement(element, "unitgradingtype").text = "1" if data.get("unit_handling") == "required" else "0"


TYPE = Numeric()
