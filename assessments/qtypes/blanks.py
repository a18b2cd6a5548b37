"""Fill in the blanks (Moodle: Cloze): gaps ``[[1]]``, ``[[2]]``… in the text, each with accepted answers."""

import re
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from assessments.formats.common import ParsedChoice, html_to_text
from assessments.formats.xml_syntax import XmlError, percent, text_of
from assessments.qtypes.base import (
    MAX_TEXT,
    ZERO,
    Grade,
    QuestionType,
    best_text_match,
    clamp,
    credit,
    first_value,
    graded,
    normalise_text,
    pick,
)

BLANK_MARKER = re.compile(r"\[\[(\d+)\]\]")


def blank_numbers(data):
    return sorted({choice["blank"] for choice in data["choices"] if choice.get("blank")})


def segments(text):
    """Split blank-question text into ``("text", str)`` and ``("blank", n)`` parts."""
    parts, last = [], 0
    for match in BLANK_MARKER.finditer(text):
        parts.append(("text", text[last : match.start()]))
        parts.append(("blank", int(match.group(1))))
        last = match.end()
    parts.append(("text", text[last:]))
    return [part for part in parts if part != ("text", "")]


_CLOZE = re.compile(r"\{(\d*):([A-Z_]+):(.*?)(?<!\\)\}", re.DOTALL)


class Blanks(QuestionType):
    code = "blanks"
    label = _("Fill in the blanks")
    xapi_interaction = "fill-in"
    moodle_xml_type = "multianswer"
    moodle_xml_reads = ("multianswer",)

    def response_from_post(self, data, post, key):
        return {str(n): post.get(f"{key}-b{n}", "") for n in blank_numbers(data)}

    def clean_response(self, data, raw):
        if not isinstance(raw, dict):
            return None
        numbers = {str(n) for n in blank_numbers(data)}
        cleaned = {}
        for key, value in raw.items():
            value = first_value(value)
            if str(key) in numbers and isinstance(value, str) and value.strip():
                cleaned[str(key)] = value[:MAX_TEXT]
        return cleaned or None

    def present(self, view, data, item, language):
        values = item.response or {}
        view["segments"] = [
            {"kind": kind, "value": value if kind == "text" else values.get(str(value), ""), "number": value}
            for kind, value in segments(view["text"])
        ]
        view["blank_count"] = len(blank_numbers(data))

    def grade(self, data, response):
        numbers = blank_numbers(data)
        if not response or not numbers or not any(normalise_text(v) for v in response.values()):
            return Grade(ZERO, "unanswered")
        case_sensitive = data.get("case_sensitive", False)
        total, parts, feedback = ZERO, {}, []
        for number in numbers:
            candidates = [c for c in data["choices"] if c.get("blank") == number]
            best = best_text_match(candidates, response.get(str(number), ""), case_sensitive)
            share = clamp(credit(best)) if best else ZERO
            parts[str(number)] = share >= 1
            total += share
            if best:
                feedback.append(best["id"])
        return graded(total / Decimal(len(numbers)), feedback, parts)

    def correct_response_text(self, data, language):
        answers = []
        for number in blank_numbers(data):
            best = max((c for c in data["choices"] if c.get("blank") == number), key=credit)
            answers.append(f"[{number}] {pick(best['text'], language)}")
        return "; ".join(answers)

    def check(self, question):
        markers = {int(n) for n in BLANK_MARKER.findall(question.text)}
        blanks = {c.blank for c in question.choices}
        if not markers or markers != blanks:
            return ["the blanks in the text do not match the blanks with answers"]
        return []

    # Moodle XML: Cloze, ``{1:SHORTANSWER:=hash#right~%50%checksum}`` becomes blank [[n]].
    def xml_read(self, element, question, reader):
        number = 0

        def replace(match):
            nonlocal number
            kind = match.group(2)
            if kind not in ("SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC"):
                raise XmlError(f"Cloze {kind} blanks are not supported (only SHORTANSWER)")
            if kind in ("SHORTANSWER_C", "SAC", "MWC"):
                question.case_sensitive = True
            number += 1
            for part in re.split(r"(?<!\\)~", match.group(3)):
                part = part.strip()
                if not part:
                    continue
                fraction = Decimal(0)
                if part.startswith("="):
                    fraction, part = Decimal(1), part[1:]
                elif given := re.match(r"^%(-?\d+(?:\.\d+)?)%", part):
                    fraction, part = Decimal(given.group(1)) / 100, part[given.end() :]
                answer, _sep, feedback = part.partition("#")
                answer = answer.replace("\\}", "}").replace("\\#", "#").replace("\\~", "~").strip()
                question.choices.append(ParsedChoice(answer, fraction, feedback.strip(), blank=number))
            return f"[[{number}]]"

        holder = element.find("questiontext")
        raw_text = text_of(holder, "text") if holder is not None else ""
        question.text = html_to_text(_CLOZE.sub(replace, raw_text))

    def xml_write(self, data, element, writer):
        """Nothing beside the question text, which carries the blanks (``xml_question_text``)."""

    def xml_question_text(self, data, text, writer):
        def blank(match):
            number = int(match.group(1))
            parts = []
            for choice in data["choices"]:
                if choice.get("blank") != number:
                    continue
                answer = writer.pick(choice["text"]).replace("}", "\\}").replace("#", "\\#").replace("~", "\\~")
                fraction = Decimal(choice["fraction"])
                parts.append(f"={answer}" if fraction >= 1 else f"%{percent(fraction)}%{answer}")
            kind = "SHORTANSWER_C" if data.get("case_sensitive") else "SHORTANSWER"
            return "{1:" + kind + ":" + "~".join(parts) + "}"

        return BLANK_MARKER.sub(blank, text)


TYPE = Blanks()
