"""Numeric: a number within a tolerance of an answer, with units as Moodle has them.

What officers type is read as Moodle's numerical question reads it, and more leniently where
scripts differ: digits in any script (Arabic-Indic, Persian, Devanagari, full-width…), the Arabic
decimal separator, a comma as decimal separator ("3,5") or thousands separator ("1,234.5"), spaces
between thousands, exponents (``3e2``, ``3×10^2``). A unit may follow (or precede) the number: each
question lists its units with multipliers, in every language (``units`` is translated), and says
whether a unit is optional or required (then a missing or unknown unit costs ``unit_penalty`` of the
marks earned, as Moodle's "unit penalty" does).
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import SubElement  # noqa: S405 - building output only

from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from assessments.formats.common import ParsedChoice
from assessments.formats.gift_syntax import GiftError, explode, number, restore, split_feedback, weight, weight_text
from assessments.formats.xml_syntax import XmlError, decimal, fraction, percent, text_of
from assessments.qtypes.base import ONE, ZERO, Grade, QuestionType, ascii_digits, clean_text, credit, graded

ANY = "*"  # Moodle's "any other answer": feedback for answers no other row accepts


# Units ---------------------------------------------------------------------------------------------
def parse_units(spec):
    """``"GB 1\\nMB 1024"`` -> ``[("GB", Decimal(1)), ("MB", Decimal(1024))]``; ValueError when malformed."""
    units = []
    for count, line in enumerate((spec or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = line.rsplit(None, 1)
        if len(parts) != 2:
            raise ValueError(
                gettext("line %(line)s: expected a unit and its multiplier, e.g. “MB 1024”") % {"line": count}
            )
        try:
            multiplier = Decimal(ascii_digits(parts[1]).replace(",", "."))
        except InvalidOperation as error:
            raise ValueError(
                gettext("line %(line)s: “%(value)s” is not a number") % {"line": count, "value": parts[1]}
            ) from error
        if multiplier <= 0 or not multiplier.is_finite():
            raise ValueError(gettext("line %(line)s: the multiplier must be positive") % {"line": count})
        units.append((parts[0].strip(), multiplier))
    return units


def _specs(data, language=None):
    """The unit lists of a snapshot, ``language``'s first (old snapshots hold one list as a string)."""
    units = data.get("units") or ""
    if isinstance(units, str):
        return [units]
    order = [language, "en", *units.keys()]
    return [units[code] for code in dict.fromkeys(order) if code in units and units[code]]


def units_of(data, language=None):
    """Every unit the question accepts, in any language: ``[(name, multiplier)]``, the base unit first."""
    seen, units = set(), []
    for spec in _specs(data, language):
        for name, multiplier in parse_units(spec):
            if unit_key(name) not in seen:
                seen.add(unit_key(name))
                units.append((name, multiplier))
    return units


def unit_names(data, language):
    """The unit names to show an officer reading ``language``."""
    specs = _specs(data, language)
    return [name for name, _multiplier in parse_units(specs[0])] if specs else []


def unit_key(text):
    """Units compare without case, spaces or combining marks (Arabic short vowels: يومًا = يوما)."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(char for char in text if unicodedata.category(char) != "Mn" and not char.isspace())
    return unicodedata.normalize("NFKC", text).casefold()


# Numbers -------------------------------------------------------------------------------------------
_EXPONENT = re.compile(r"(?:[xX*×]10(?:\^|\*\*))([+-]?\d+)")
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_LEADING = re.compile(rf"^({_NUMBER})(.*)$", re.DOTALL)
_TRAILING = re.compile(rf"^(.*?)({_NUMBER})$", re.DOTALL)
_THOUSANDS_SPACE = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009](?=\d{3}(?!\d))")


@dataclass
class Reading:
    value: Decimal | None  # the number as typed (before any unit's multiplier)
    unit: str = ""  # the unit typed, "" for none


def read_number(text, prefer_left=False):
    """Split what was typed into a number and a unit (before or after it); ``value`` None when no number."""
    text = ascii_digits(unicodedata.normalize("NFKC", str(text or ""))).strip()
    text = _THOUSANDS_SPACE.sub("", text)
    text = _EXPONENT.sub(r"e\1", text.replace("\u00d7", "×"))
    if not text:
        return Reading(None)
    attempts = [_TRAILING, _LEADING] if prefer_left else [_LEADING, _TRAILING]
    for pattern in attempts:
        match = pattern.match(_decimal_point(text))
        if match:
            number_text, unit = (match.group(2), match.group(1)) if pattern is _TRAILING else match.groups()
            try:
                return Reading(Decimal(number_text), unit.strip())
            except InvalidOperation:
                continue
    return Reading(None)


def _decimal_point(text):
    """Moodle's rule: with a "." or several ",", commas separate thousands; a lone comma is the decimal point."""
    digits = re.sub(r"[^\d.,]", "", text)
    if "." in digits or digits.count(",") > 1:
        return re.sub(r"(?<=\d),(?=\d)", "", text)
    return re.sub(r"(?<=\d),(?=\d)|^,(?=\d)|(?<=[+-]),(?=\d)", ".", text)


def parse_number(text, units=(), unit_required=False):
    """The response as a number in the base unit, or None (an unknown unit, or a unit missing when required)."""
    reading = read_number(text)
    if reading.value is None:
        return None
    if reading.unit:
        for name, multiplier in units:
            if unit_key(reading.unit) == unit_key(name):
                return reading.value / multiplier
        return None
    if unit_required and units:
        return None
    return reading.value


def _unit_penalty(data):
    if data.get("unit_handling") != "required":
        return ZERO
    return Decimal(data.get("unit_penalty", "1"))  # snapshots older than the penalty: a unit was required


class Numeric(QuestionType):
    code = "numeric"
    label = _("Numeric")
    rich_choices = False
    xapi_interaction = "numeric"
    choices_have_text = False
    moodle_xml_type = "numerical"
    moodle_xml_reads = ("numerical",)
    gift_order = 10

    def clean_response(self, data, raw):
        return clean_text(raw, limit=100)

    def interpret(self, data, response):
        """``(value in the base unit or None, unit penalty that applies, problem for the officer or "")``."""
        reading = read_number(response, prefer_left=data.get("unit_position") == "left")
        units = units_of(data)
        if reading.value is None:
            return None, ZERO, gettext("This is not read as a number.")
        if not units:
            if reading.unit:
                return None, ZERO, gettext("Type a number only, without a unit.")
            return reading.value, ZERO, ""
        if reading.unit:
            for name, multiplier in units:
                if unit_key(reading.unit) == unit_key(name):
                    return reading.value / multiplier, ZERO, ""
            if data.get("unit_handling") != "required":
                return None, ZERO, gettext("“%(unit)s” is not one of the units accepted.") % {"unit": reading.unit}
            return (
                reading.value,
                _unit_penalty(data),
                gettext("“%(unit)s” is not one of the units accepted.") % {"unit": reading.unit},
            )
        penalty = _unit_penalty(data)
        return reading.value, penalty, (gettext("Give the unit too.") if penalty else "")

    def present(self, view, data, item, language):
        view["value"] = item.response or ""
        view["units"] = unit_names(data, language)
        view["units_text"] = pgettext("separator between the items of a list", ", ").join(view["units"])
        view["unit_left"] = data.get("unit_position") == "left"
        view["problem"] = self.response_problem(data, item.response)

    def response_problem(self, data, response):
        return self.interpret(data, response)[2] if response is not None else ""

    def grade(self, data, response):
        if not str(response or "").strip():
            return Grade(ZERO, "unanswered")
        value, penalty, _problem = self.interpret(data, response)
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
            best = next((c for c in data["choices"] if c.get("value") is None and _is_any(c)), None)
            if best is None:
                return Grade(ZERO, "incorrect")
        share = min(ONE, max(ZERO, credit(best)))
        return graded(share - share * penalty, [best["id"]])

    def correct_response_text(self, data, language):
        best = max((c for c in data["choices"] if c.get("value") is not None), key=credit, default=None)
        if not best:
            return ""
        value = f"{Decimal(best['value']).normalize():f}"
        tolerance = Decimal(best.get("tolerance") or 0).normalize()
        names = unit_names(data, language)
        if names:
            value = f"{names[0]} {value}" if data.get("unit_position") == "left" else f"{value} {names[0]}"
        return value + (f" ± {tolerance:f}" if tolerance else "")

    def check(self, question):
        problems = super().check(question)
        if any(c.value is None and c.text != ANY for c in question.choices):
            problems.append(gettext("a numeric answer is not a number"))
        return problems

    # GIFT: ``{#3.5:0.1}``, ``{#1..5}``, ``{#=3.5:0.1#right =%50%3.5:1#close ~#any other answer}``
    def gift_claims(self, answers):
        return answers.startswith("#")

    @staticmethod
    def _value(answer):
        range_at, colon_at = answer.find(".."), answer.find(":")
        if range_at > 0:
            low, high = number(answer[:range_at]), number(answer[range_at + 2 :])
            if low > high:
                raise GiftError(gettext("the range %(range)s runs backwards") % {"range": restore(answer)})
            return (low + high) / 2, (high - low) / 2
        if colon_at > 0:
            return number(answer[:colon_at]), abs(number(answer[colon_at + 1 :]))
        return number(answer), Decimal(0)

    def gift_read(self, answers, question, context):
        answers = answers[1:]
        other = ""
        if "~" in answers:
            answers, other = answers[: answers.find("~")], answers[answers.find("~") :]
        pieces = explode(answers, "=")
        if not pieces:
            raise GiftError(gettext("a numeric question without answers"))
        for piece in pieces:
            given, piece = weight(piece)
            answer, feedback = split_feedback(piece)
            answer = restore(answer).strip()
            if answer.startswith("[") and "]" in answer:
                answer = answer[answer.find("]") + 1 :].strip()
            value, tolerance = self._value(answer)
            share = Decimal(1) if given is None else given
            question.choices.append(ParsedChoice("", share, context.text(feedback), value=value, tolerance=tolerance))
        if other:
            question.choices.append(ParsedChoice(ANY, Decimal(0), context.text(split_feedback(other)[1])))

    def gift_write(self, data, writer):
        lines = []
        for choice in data["choices"]:
            feedback = writer.text(choice["feedback"])
            if choice.get("value") is None:
                lines.append(f"  ~#{feedback}")
                continue
            value = f"{Decimal(choice['value']).normalize():f}"
            tolerance = f"{Decimal(choice.get('tolerance') or 0).normalize():f}"
            line = f"  ={weight_text(choice['fraction'], 1)}{value}:{tolerance}"
            lines.append(line + (f"#{feedback}" if feedback else ""))
        return "#\n" + "\n".join(lines)

    # Moodle XML: answers with <tolerance> (``*`` for any other answer), <units>, unit grading and position.
    def xml_read(self, element, question, context):
        for answer in element.findall("answer"):
            value_text = context.plain(answer, "text")
            feedback = context.text(answer, "feedback")
            if value_text == ANY:
                question.choices.append(ParsedChoice(ANY, fraction(answer), feedback))
                continue
            tolerance = decimal(text_of(answer, "tolerance", "0").strip() or "0", gettext("tolerance"))
            question.choices.append(
                ParsedChoice(
                    "",
                    fraction(answer),
                    feedback,
                    value=decimal(value_text, gettext("answer")),
                    tolerance=abs(tolerance),
                )
            )
        units = []
        for unit in element.findall("units/unit"):
            name = text_of(unit, "unit_name").strip()
            multiplier = decimal(text_of(unit, "multiplier", "1") or "1", gettext("multiplier"))
            if not name:
                raise XmlError(gettext("a unit has no unit_name"))
            units.append(f"{name} {multiplier.normalize():f}")
        if text_of(element, "showunits").strip() == "3":  # Moodle's "no units": the list is not used
            units = []
        question.units = "\n".join(units)
        grading = text_of(element, "unitgradingtype", "0").strip()
        if units and grading not in ("", "0"):
            question.unit_handling = "required"
            question.unit_penalty = decimal(text_of(element, "unitpenalty", "0.1") or "0.1", gettext("unit penalty"))
        question.unit_position = "left" if text_of(element, "unitsleft", "0").strip() == "1" else "right"

    def xml_write(self, data, element, writer):
        for choice in data["choices"]:
            answer = SubElement(
                element, "answer", {"fraction": percent(choice["fraction"]), "format": "moodle_auto_format"}
            )
            if choice.get("value") is None:
                SubElement(answer, "text").text = ANY
                SubElement(answer, "tolerance").text = "0"
            else:
                SubElement(answer, "text").text = f"{Decimal(choice['value']).normalize():f}"
                SubElement(answer, "tolerance").text = f"{Decimal(choice.get('tolerance') or 0).normalize():f}"
            writer.text_element(answer, "feedback", choice.get("feedback"))
        spec = writer.pick(data.get("units")) if isinstance(data.get("units"), dict) else data.get("units", "")
        units = parse_units(spec)
        if units:
            holder = SubElement(element, "units")
            for name, multiplier in units:
                unit = SubElement(holder, "unit")
                SubElement(unit, "multiplier").text = f"{multiplier.normalize():f}"
                SubElement(unit, "unit_name").text = name
        required = data.get("unit_handling") == "required"
        SubElement(element, "unitgradingtype").text = "1" if required and units else "0"
        SubElement(element, "unitpenalty").text = str(_unit_penalty(data) if required else Decimal("0.1"))
        SubElement(element, "showunits").text = "0" if units else "3"
        SubElement(element, "unitsleft").text = "1" if data.get("unit_position") == "left" else "0"


def _is_any(choice):
    return any(text == ANY for text in (choice.get("text") or {}).values())


TYPE = Numeric()
