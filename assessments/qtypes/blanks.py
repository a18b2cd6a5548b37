"""Fill in the blanks (Moodle: Cloze / multianswer): gaps ``[[1]]``, ``[[2]]``… in the text.

Each blank is answered by typed text (Cloze SHORTANSWER), a typed number (NUMERICAL) or a choice from a
list (MULTICHOICE, as a drop-down or buttons); each has a weight (Cloze ``{2:…}``), and the question's
grade is the weighted mean of its blanks' credits. A blank without settings is typed text worth 1.
"""

import html
import re
from decimal import Decimal

from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.formats import texts
from assessments.formats.common import ParsedBlank, ParsedChoice
from assessments.formats.xml_syntax import XmlError, percent
from assessments.qtypes.base import (
    MAX_TEXT,
    ZERO,
    Grade,
    QuestionType,
    as_int,
    best_text_match,
    clamp,
    credit,
    first_value,
    graded,
    pick,
    shown,
)
from assessments.qtypes.numeric import ANY, read_number

BLANK_MARKER = re.compile(r"\[\[(\d+)\]\]")

# Cloze sub-question kinds (Moodle qtype_multianswer): kind, case sensitive, layout, shuffled.
CLOZE_KINDS = {
    "SHORTANSWER": ("text", False, "dropdown", False),
    "SA": ("text", False, "dropdown", False),
    "MW": ("text", False, "dropdown", False),
    "SHORTANSWER_C": ("text", True, "dropdown", False),
    "SAC": ("text", True, "dropdown", False),
    "MWC": ("text", True, "dropdown", False),
    "NUMERICAL": ("numeric", False, "dropdown", False),
    "NM": ("numeric", False, "dropdown", False),
    "MULTICHOICE": ("choice", False, "dropdown", False),
    "MC": ("choice", False, "dropdown", False),
    "MULTICHOICE_S": ("choice", False, "dropdown", True),
    "MCS": ("choice", False, "dropdown", True),
    "MULTICHOICE_V": ("choice", False, "vertical", False),
    "MCV": ("choice", False, "vertical", False),
    "MULTICHOICE_VS": ("choice", False, "vertical", True),
    "MCVS": ("choice", False, "vertical", True),
    "MULTICHOICE_H": ("choice", False, "horizontal", False),
    "MCH": ("choice", False, "horizontal", False),
    "MULTICHOICE_HS": ("choice", False, "horizontal", True),
    "MCHS": ("choice", False, "horizontal", True),
}
MULTIRESPONSE = {"MULTIRESPONSE", "MR", "MULTIRESPONSE_H", "MRH", "MULTIRESPONSE_S", "MRS", "MULTIRESPONSE_HS", "MRHS"}
_CLOZE_START = re.compile(r"\{(\d*):([A-Z_]+):")


def blank_numbers(data):
    return sorted({choice["blank"] for choice in data["choices"] if choice.get("blank")})


def blank_settings(data):
    """``{number: settings}`` for every blank, with the defaults of a blank that has none."""
    stored = {blank["number"]: blank for blank in data.get("blanks") or []}
    default_case = data.get("case_sensitive", False)
    settings = {}
    for number in blank_numbers(data):
        blank = stored.get(number, {})
        settings[number] = {
            "kind": blank.get("kind", "text"),
            "weight": Decimal(blank.get("weight", "1")),
            "case_sensitive": blank.get("case_sensitive", default_case),
            "layout": blank.get("layout", "dropdown"),
            "shuffle": blank.get("shuffle", False),
        }
    return settings


def split_at_blanks(text):
    """``[("text", str), ("blank", n), …]``."""
    parts, last = [], 0
    for match in BLANK_MARKER.finditer(text):
        parts.append(("text", text[last : match.start()]))
        parts.append(("blank", int(match.group(1))))
        last = match.end()
    parts.append(("text", text[last:]))
    return [part for part in parts if part != ("text", "")]


class Blanks(QuestionType):
    code = "blanks"
    label = _("Fill in the blanks")
    rich_choices = False
    xapi_interaction = "fill-in"
    uses_blanks = True
    moodle_grades = False  # Moodle does not check Cloze sub-question grades against its set
    moodle_xml_type = "cloze"  # as Moodle's exporter writes it; "multianswer" is read too
    moodle_xml_reads = ("cloze", "multianswer")

    def option_order(self, data, shuffle, rng):
        """Choice blanks marked "shuffle" show their choices in a random order; the rest keep theirs."""
        settings = blank_settings(data)
        order = []
        for number in blank_numbers(data):
            ids = [c["id"] for c in data["choices"] if c.get("blank") == number]
            if settings[number]["kind"] == "choice" and settings[number]["shuffle"]:
                rng.shuffle(ids)
            order.extend(ids)
        return order

    def response_from_post(self, data, post, key):
        return {str(n): post.get(f"{key}-b{n}", "") for n in blank_numbers(data)}

    def clean_response(self, data, raw):
        if not isinstance(raw, dict):
            return None
        settings = blank_settings(data)
        cleaned = {}
        for key, value in raw.items():
            number, value = as_int(key), first_value(value)
            if number not in settings:
                continue
            if settings[number]["kind"] == "choice":
                chosen = as_int(value)
                if any(c["id"] == chosen and c.get("blank") == number for c in data["choices"]):
                    cleaned[str(number)] = chosen
            elif isinstance(value, str) and value.strip():
                cleaned[str(number)] = value[:MAX_TEXT]
        return cleaned or None

    def present(self, view, data, item, language):
        values = item.response or {}
        settings = blank_settings(data)
        by_id = {choice["id"]: choice for choice in data["choices"]}
        order = [cid for cid in item.option_order if cid in by_id] or list(by_id)
        html_text = str(shown(data, view["text"], block=False))
        segments = []
        for kind, value in split_at_blanks(html_text):
            if kind == "text":
                segments.append({"kind": "text", "html": mark_safe(value)})  # noqa: S308 - sanitised or escaped above
                continue
            blank = settings.get(value, {"kind": "text", "layout": "dropdown"})
            segment = {
                "kind": "blank",
                "number": value,
                "choice": blank["kind"] == "choice",
                "number_only": blank["kind"] == "numeric",
                "layout": blank["layout"],
                "value": values.get(str(value), ""),
            }
            if blank["kind"] == "choice":
                segment["options"] = [
                    {"id": cid, "text": self.plain(data, pick(by_id[cid]["text"], language))}
                    for cid in order
                    if by_id[cid].get("blank") == value
                ]
                chosen = by_id.get(as_int(segment["value"]))
                segment["shown"] = self.plain(data, pick(chosen["text"], language)) if chosen else ""
            else:
                segment["shown"] = segment["value"]
            segments.append(segment)
        view["segments"] = segments
        view["blank_count"] = len(settings)
        view["text_html"] = mark_safe(BLANK_MARKER.sub(r"<strong>[\1]</strong>", html_text))  # noqa: S308

    def _blank_credit(self, data, number, blank, given):
        candidates = [c for c in data["choices"] if c.get("blank") == number]
        if blank["kind"] == "choice":
            chosen = next((c for c in candidates if c["id"] == as_int(given)), None)
            return chosen
        if blank["kind"] == "numeric":
            value = read_number(given).value if str(given or "").strip() else None
            if value is None or read_number(given).unit:
                return None
            best = None
            for choice in candidates:
                if not choice.get("value"):
                    continue
                target, tolerance = Decimal(choice["value"]), abs(Decimal(choice.get("tolerance") or 0))
                if abs(value - target) <= tolerance and (best is None or credit(choice) > credit(best)):
                    best = choice
            return best or next((c for c in candidates if ANY in (c["text"] or {}).values()), None)
        return best_text_match(candidates, given, blank["case_sensitive"])

    def grade(self, data, response):
        settings = blank_settings(data)
        if not response or not settings or not any(str(v).strip() for v in response.values()):
            return Grade(ZERO, "unanswered")
        total, weights, parts, feedback = ZERO, ZERO, {}, []
        for number, blank in settings.items():
            given = response.get(str(number), "")
            best = self._blank_credit(data, number, blank, given) if str(given).strip() else None
            share = clamp(credit(best)) if best else ZERO
            parts[str(number)] = share >= 1
            total += share * blank["weight"]
            weights += blank["weight"]
            if best:
                feedback.append(best["id"])
        return graded(total / weights if weights else ZERO, feedback, parts)

    def correct_response_text(self, data, language):
        answers = []
        for number, blank in blank_settings(data).items():
            candidates = [c for c in data["choices"] if c.get("blank") == number and ANY not in c["text"].values()]
            best = max(candidates, key=credit, default=None)
            if best is None:
                continue
            if blank["kind"] == "numeric" and best.get("value") is not None:
                tolerance = Decimal(best.get("tolerance") or 0).normalize()
                text = f"{Decimal(best['value']).normalize():f}" + (f" ± {tolerance:f}" if tolerance else "")
            else:
                text = self.plain(data, pick(best["text"], language))
            answers.append(f"[{number}] {text}")
        return "; ".join(answers)

    def check(self, question):
        problems = []
        markers = {int(n) for n in BLANK_MARKER.findall(question.text)}
        blanks = {c.blank for c in question.choices}
        if not markers or markers != blanks:
            problems.append(gettext("the blanks in the text do not match the blanks with answers"))
        kinds = {blank.number: blank.kind for blank in question.blanks}
        for number in sorted(blanks - {None}):
            choices = [c for c in question.choices if c.blank == number]
            if kinds.get(number) == "choice" and len(choices) < 2:
                problems.append(gettext("blank %(number)s: a choice needs at least two answers") % {"number": number})
            if not any(c.fraction >= 1 for c in choices):
                problems.append(gettext("blank %(number)s: no answer gives full credit (100%%)") % {"number": number})
            if kinds.get(number) == "numeric" and any(c.value is None and c.text != ANY for c in choices):
                problems.append(gettext("blank %(number)s: a numeric answer is not a number") % {"number": number})
        return problems

    # Moodle XML: Cloze. ``{2:MULTICHOICE:=right#fine~wrong#no}`` becomes blank [[n]] worth 2.
    def xml_read(self, element, question, context):
        question.text = self.read_cloze(question.text, question)
        question.shuffle = False

    def read_cloze(self, text, question):
        """The text with each Cloze sub-question replaced by ``[[n]]``; its answers and settings in ``question``."""
        out, position, number = [], 0, 0
        source = str(text)
        while True:
            match = _CLOZE_START.search(source, position)
            if match is None:
                break
            end, alternatives = _alternatives(source, match.end())
            if end is None:
                break  # not a sub-question: Moodle leaves such text as it is
            kind = match.group(2)
            if kind in MULTIRESPONSE:
                raise XmlError(
                    gettext("Cloze %(kind)s blanks (several answers ticked) are not imported") % {"kind": kind},
                    unsupported=True,
                )
            if kind not in CLOZE_KINDS:
                raise XmlError(gettext("unknown Cloze blank type “%(kind)s”") % {"kind": kind})
            number += 1
            blank_kind, case_sensitive, layout, shuffle = CLOZE_KINDS[kind]
            weight = Decimal(match.group(1)) if match.group(1) else Decimal(1)
            question.blanks.append(ParsedBlank(number, blank_kind, weight, case_sensitive, layout, shuffle))
            for alternative in alternatives:
                question.choices.append(_cloze_choice(alternative, blank_kind, number))
            out.append(source[position : match.start()])
            out.append(f"[[{number}]]")
            position = end
        out.append(source[position:])
        if number == 0:
            raise XmlError(gettext("a Cloze question without any {…} blank"))
        result = "".join(out)
        return texts.Html(result) if texts.is_html(text) else result

    def xml_text_format(self, data, writer):
        return "html"

    def xml_question_text(self, data, translations, writer):
        """Each ``[[n]]`` written back as a Cloze sub-question Moodle's importer reads."""
        settings = blank_settings(data)
        text = writer.pick(translations)
        if not self.is_rich(data):
            text = texts.plain_to_html(text)

        def blank(match):
            number = int(match.group(1))
            setting = settings.get(number)
            if setting is None:
                return match.group(0)
            kind = _cloze_kind(setting)
            alternatives = []
            for choice in data["choices"]:
                if choice.get("blank") != number:
                    continue
                fraction = Decimal(choice["fraction"])
                mark = "=" if fraction == 1 else f"%{percent(fraction)}%"
                if setting["kind"] == "numeric" and choice.get("value") is not None:
                    tolerance = Decimal(choice.get("tolerance") or 0).normalize()
                    answer = f"{Decimal(choice['value']).normalize():f}:{tolerance:f}"
                elif setting["kind"] == "numeric":
                    answer = ANY
                else:
                    answer = _cloze_escape(self.plain(data, writer.pick(choice["text"])))
                feedback = self.plain(data, writer.pick(choice.get("feedback")))
                alternatives.append(mark + answer + (f"#{_cloze_escape(feedback)}" if feedback else ""))
            weight = f"{setting['weight'].normalize():f}"
            return "{" + weight + ":" + kind + ":" + "~".join(alternatives) + "}"

        return {writer.language: BLANK_MARKER.sub(blank, text)}

    def xml_write(self, data, element, writer):
        """Nothing beside the question text, which carries the blanks (``xml_question_text``)."""


def _alternatives(source, start):
    """The ``~``-separated alternatives from ``start`` up to the closing ``}``: ``(end, [text…])``."""
    alternatives, current, i = [], [], start
    while i < len(source):
        char = source[i]
        if char == "\\" and i + 1 < len(source) and source[i + 1] in "}#~":
            current.append(source[i : i + 2])
            i += 2
            continue
        if char == "}":
            alternatives.append("".join(current))
            return i + 1, [a for a in alternatives if a.strip()]
        if char == "~":
            alternatives.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    return None, []


def _cloze_unescape(text):
    return html.unescape(text.replace("\\}", "}").replace("\\#", "#")).strip()


def _cloze_choice(alternative, kind, number):
    alternative = alternative.strip()
    share = Decimal(0)
    if alternative.startswith("="):
        share, alternative = Decimal(1), alternative[1:]
    elif weight := re.match(r"^%(-?\d+(?:[.,]\d+)?)%", alternative):
        share, alternative = Decimal(weight.group(1).replace(",", ".")) / 100, alternative[weight.end() :]
    answer, feedback = alternative, ""
    for index, char in enumerate(alternative):  # "#" starts the feedback unless escaped or inside an entity
        if char == "#" and index > 0 and alternative[index - 1] not in "\\&":
            answer, feedback = alternative[:index], alternative[index + 1 :]
            break
        if char == "#" and index == 0:
            answer, feedback = "", alternative[1:]
            break
    answer, feedback = _cloze_unescape(answer), _cloze_unescape(feedback)
    if kind == "numeric" and answer != ANY:
        reading = re.fullmatch(r"(-?[\d.,]+(?:[eE][-+]?\d+)?)(?::(-?[\d.,]+(?:[eE][-+]?\d+)?))?", answer)
        if reading is None:
            raise XmlError(
                gettext("blank %(number)s: “%(answer)s” is not a number") % {"number": number, "answer": answer}
            )
        value = Decimal(reading.group(1).replace(",", "."))
        tolerance = abs(Decimal(reading.group(2).replace(",", "."))) if reading.group(2) else Decimal(0)
        return ParsedChoice("", share, feedback, value=value, tolerance=tolerance, blank=number)
    return ParsedChoice(answer, share, feedback, blank=number)


def _cloze_kind(setting):
    if setting["kind"] == "numeric":
        return "NUMERICAL"
    if setting["kind"] == "choice":
        name = {"dropdown": "MULTICHOICE", "vertical": "MULTICHOICE_V", "horizontal": "MULTICHOICE_H"}[
            setting["layout"]
        ]
        return name + ("S" if setting["shuffle"] and name != "MULTICHOICE" else "_S" if setting["shuffle"] else "")
    return "SHORTANSWER_C" if setting["case_sensitive"] else "SHORTANSWER"


def _cloze_escape(text):
    """Text inside a Cloze sub-question of an HTML text: entities for what would end or split it."""
    text = html.escape(text, quote=False).replace("#", "&#35;").replace("}", "&#125;").replace("~", "&#126;")
    if text[:1] in ("=", "%"):
        text = {"=": "&#61;", "%": "&#37;"}[text[0]] + text[1:]
    return text


TYPE = Blanks()
