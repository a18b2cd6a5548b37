"""Moodle XML: a parser (through defusedxml) and a writer written for Custodia.

Supported question types: ``category``, ``multichoice`` (``<single>``), ``truefalse``,
``shortanswer`` (``<usecase>``), ``numerical`` (tolerance, units), ``matching`` (subquestions,
distractors), ``ordering`` and ``multianswer`` (Cloze) made of SHORTANSWER blanks only, which
becomes fill in the blanks. Fractions are percentages (``fraction="33.33333"``); text may be
HTML in CDATA. Other types (essay, description, calculated…) are refused with their line.
"""

import re
from decimal import Decimal, InvalidOperation
from functools import partial
from xml.etree.ElementTree import Element, SubElement, TreeBuilder, indent, tostring  # noqa: S405 - writing only

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from assessments.formats.common import (
    ImportFailed,
    ParsedChoice,
    ParsedQuestion,
    check_question,
    clean_category_path,
    html_to_text,
)
from assessments.grading import in_language

SUPPORTED = ("category", "multichoice", "truefalse", "shortanswer", "numerical", "matching", "ordering", "multianswer")


class _Error(Exception):
    pass


class _LineElement(Element):
    sourceline = None


class _LineTreeBuilder(TreeBuilder):
    """Remember the line each element starts on, so errors can point at it."""

    def __init__(self):
        super().__init__(element_factory=_LineElement)
        self.parser = None

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        expat = getattr(self.parser, "parser", None)
        element.sourceline = getattr(expat, "CurrentLineNumber", None)
        return element


def _parse_xml(content):
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    if isinstance(content, str):
        content = content.encode("utf-8")
    parser.feed(content)
    return parser.close()


def _text(element, path, default=""):
    found = element.find(path) if element is not None else None
    if found is None or found.text is None:
        return default
    return found.text


def _rich(element, path):
    """Text of ``<path><text>`` converted from HTML when its format says so."""
    holder = element.find(path)
    if holder is None:
        return ""
    value = _text(holder, "text")
    if holder.get("format", "html") in ("html", "moodle_auto_format", "markdown"):
        return html_to_text(value)
    return value.strip()


def _flag(element, path, default):
    value = _text(element, path, "").strip().lower()
    if not value:
        return default
    return value in ("1", "true", "yes")


def _fraction(answer):
    raw = answer.get("fraction", "0")
    try:
        return Decimal(raw) / 100
    except InvalidOperation as error:
        raise _Error(f"fraction=“{raw}” is not a number") from error


def _decimal(text, what):
    try:
        return Decimal(text.strip())
    except (InvalidOperation, AttributeError) as error:
        raise _Error(f"{what} “{text}” is not a number") from error


def _where(element):
    line = getattr(element, "sourceline", None)
    return f"<{element.tag}> at line {line}" if line else f"<{element.tag}>"


_CLOZE = re.compile(r"\{(\d*):([A-Z_]+):(.*?)(?<!\\)\}", re.DOTALL)


def _parse_cloze(text, question):
    """``{1:SHORTANSWER:=hash#right~%50%checksum}`` -> blank [[n]] with accepted answers."""
    number = 0

    def replace(match):
        nonlocal number
        kind = match.group(2)
        if kind not in ("SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC"):
            raise _Error(f"Cloze {kind} blanks are not supported (only SHORTANSWER)")
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
            elif weight := re.match(r"^%(-?\d+(?:\.\d+)?)%", part):
                fraction, part = Decimal(weight.group(1)) / 100, part[weight.end() :]
            answer, _sep, feedback = part.partition("#")
            answer = answer.replace("\\}", "}").replace("\\#", "#").replace("\\~", "~").strip()
            question.choices.append(ParsedChoice(answer, fraction, feedback.strip(), blank=number))
        return f"[[{number}]]"

    return _CLOZE.sub(replace, text)


def _parse_question(element, category):
    qtype = element.get("type", "")
    question = ParsedQuestion(
        qtype="single",
        text="",
        where=_where(element),
        name=html_to_text(_text(element, "name/text")),
        category=category,
        general_feedback=_rich(element, "generalfeedback"),
        shuffle=_flag(element, "shuffleanswers", True),
    )
    grade = _text(element, "defaultgrade", "").strip()
    if grade:
        question.default_mark = _decimal(grade, "defaultgrade")
        if question.default_mark <= 0:
            raise _Error("defaultgrade must be positive")
    question.tags = [t.text.strip() for t in element.findall("tags/tag/text") if t.text and t.text.strip()]
    holder = element.find("questiontext")
    raw_text = _text(holder, "text") if holder is not None else ""
    answers = element.findall("answer")
    if qtype == "multianswer":
        question.qtype = "blanks"
        question.text = html_to_text(_parse_cloze(raw_text, question))
        return question
    question.text = _rich(element, "questiontext")
    if qtype == "multichoice":
        question.qtype = "single" if _flag(element, "single", True) else "multiple"
        for answer in answers:
            question.choices.append(ParsedChoice(_rich(answer, "."), _fraction(answer), _rich(answer, "feedback")))
    elif qtype == "truefalse":
        question.qtype = "truefalse"
        for answer in answers:
            label = _text(answer, "text").strip().lower()
            if label not in ("true", "false"):
                raise _Error(f"a true/false answer must be “true” or “false”, not “{label}”")
            question.choices.append(ParsedChoice(label.capitalize(), _fraction(answer), _rich(answer, "feedback")))
        question.choices.sort(key=lambda c: c.text != "True")
    elif qtype == "shortanswer":
        question.qtype = "short"
        question.case_sensitive = _flag(element, "usecase", False)
        for answer in answers:
            question.choices.append(
                ParsedChoice(_text(answer, "text").strip(), _fraction(answer), _rich(answer, "feedback"))
            )
    elif qtype == "numerical":
        question.qtype = "numeric"
        for answer in answers:
            value_text = _text(answer, "text").strip()
            if value_text == "*":  # Moodle's "any other answer" for feedback: nothing to grade
                continue
            question.choices.append(
                ParsedChoice(
                    "",
                    _fraction(answer),
                    _rich(answer, "feedback"),
                    value=_decimal(value_text, "answer"),
                    tolerance=abs(_decimal(_text(answer, "tolerance", "0") or "0", "tolerance")),
                )
            )
        units = []
        for unit in element.findall("units/unit"):
            name = _text(unit, "unit_name").strip()
            multiplier = _decimal(_text(unit, "multiplier", "1"), "multiplier")
            if not name:
                raise _Error("a unit has no unit_name")
            units.append(f"{name} {multiplier.normalize():f}")
        question.units = "\n".join(units)
        if units and _text(element, "unitgradingtype", "0").strip() not in ("", "0"):
            question.unit_handling = "required"
    elif qtype == "matching":
        question.qtype = "matching"
        for sub in element.findall("subquestion"):
            question.choices.append(
                ParsedChoice(text=_rich(sub, "."), match_text=html_to_text(_text(sub, "answer/text")))
            )
    elif qtype == "ordering":
        question.qtype = "ordering"
        question.scoring = "partial"

        # qtype_ordering writes the items in the right order, fraction = position (1, 2, 3…).
        def position(pair):
            index, answer = pair
            try:
                return (Decimal(answer.get("fraction", "")), index)
            except InvalidOperation:
                return (Decimal(index), index)

        for _index, answer in sorted(enumerate(answers), key=position):
            question.choices.append(ParsedChoice(_rich(answer, ".")))
    else:
        raise _Error(f"questions of type “{qtype}” are not supported")
    return question


def parse(content):
    """Parse Moodle XML into ``ParsedQuestion`` objects; ``ImportFailed`` lists every problem."""
    try:
        root = _parse_xml(content)
    except ParseError as error:
        line = getattr(error, "position", (None,))[0]
        raise ImportFailed([(f"line {line}" if line else "XML", f"not well-formed XML ({error})")]) from error
    except DefusedXmlException as error:
        raise ImportFailed(
            [("XML", f"refused: {error.__class__.__name__} (DTDs and entities are not allowed)")]
        ) from (error)
    if root.tag != "quiz":
        raise ImportFailed([(_where(root), "the root element must be <quiz>")])
    questions, errors, category = [], [], None
    for element in root:
        if element.tag != "question":
            errors.append((_where(element), "only <question> elements may appear in <quiz>"))
            continue
        qtype = element.get("type", "")
        if qtype == "category":
            category = clean_category_path(_text(element, "category/text"))
            continue
        try:
            question = _parse_question(element, category)
        except _Error as error:
            errors.append((_where(element), str(error)))
            continue
        errors.extend((question.where, problem) for problem in check_question(question))
        questions.append(question)
    if errors:
        raise ImportFailed(errors)
    if not questions:
        raise ImportFailed([(_where(root), "the file contains no questions")])
    return questions


# Writing --------------------------------------------------------------------------------------
def _percent(fraction):
    value = (Decimal(fraction) * 100).normalize()
    return f"{value:f}"


def _text_element(parent, tag, value, fmt="plain_text"):
    holder = SubElement(parent, tag, {"format": fmt}) if tag else parent
    SubElement(holder, "text").text = value or ""
    return holder


def write(versions, language="en"):
    """Moodle XML for question snapshots (``QuestionVersion.data``, with ``category`` added)."""

    pick = partial(in_language, language=language)

    quiz, category = Element("quiz"), None
    for data in versions:
        if data.get("category") and data["category"] != category:
            category = data["category"]
            holder = SubElement(quiz, "question", {"type": "category"})
            _text_element(SubElement(holder, "category"), None, f"$course$/top/{category}")
        qtype = data["type"]
        moodle_type = {
            "single": "multichoice",
            "multiple": "multichoice",
            "truefalse": "truefalse",
            "short": "shortanswer",
            "numeric": "numerical",
            "matching": "matching",
            "ordering": "ordering",
            "blanks": "multianswer",
        }[qtype]
        question = SubElement(quiz, "question", {"type": moodle_type})
        _text_element(SubElement(question, "name"), None, data["name"])
        text = pick(data["text"])
        if qtype == "blanks":
            text = _cloze_text(data, text, pick)
        _text_element(question, "questiontext", text)
        _text_element(question, "generalfeedback", pick(data.get("general_feedback")))
        SubElement(question, "defaultgrade").text = str(data.get("mark", "1"))
        SubElement(question, "shuffleanswers").text = "1" if data.get("shuffle", True) else "0"
        if qtype in ("single", "multiple"):
            SubElement(question, "single").text = "true" if qtype == "single" else "false"
        if qtype == "short":
            SubElement(question, "usecase").text = "1" if data.get("case_sensitive") else "0"
        for choice in data["choices"] if qtype not in ("matching", "blanks") else []:
            fraction = choice["fraction"]
            if qtype == "ordering":
                fraction = str(data["choices"].index(choice) + 1)
                answer = SubElement(question, "answer", {"fraction": fraction, "format": "plain_text"})
            else:
                answer = SubElement(question, "answer", {"fraction": _percent(fraction), "format": "plain_text"})
            if qtype == "numeric":
                SubElement(answer, "text").text = f"{Decimal(choice['value']).normalize():f}"
                SubElement(answer, "tolerance").text = f"{Decimal(choice['tolerance']).normalize():f}"
            elif qtype == "truefalse":
                SubElement(answer, "text").text = "true" if pick(choice["text"]).lower().startswith("t") else "false"
            else:
                SubElement(answer, "text").text = pick(choice["text"])
            if pick(choice.get("feedback")):
                _text_element(answer, "feedback", pick(choice["feedback"]))
        if qtype == "numeric" and data.get("units"):
            units = SubElement(question, "units")
            for line in data["units"].splitlines():
                if line.strip():
                    name, multiplier = line.rsplit(None, 1)
                    unit = SubElement(units, "unit")
                    SubElement(unit, "multiplier").text = multiplier
                    SubElement(unit, "unit_name").text = name
            SubElement(question, "unitgradingtype").text = "1" if data.get("unit_handling") == "required" else "0"
        if qtype == "matching":
            for choice in data["choices"]:
                sub = _text_element(question, "subquestion", pick(choice["text"]))
                _text_element(SubElement(sub, "answer"), None, pick(choice["match"]))
    indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(quiz, encoding="unicode") + "\n"


def _cloze_text(data, text, pick):
    def blank(match):
        number = int(match.group(1))
        parts = []
        for choice in data["choices"]:
            if choice.get("blank") != number:
                continue
            answer = pick(choice["text"]).replace("}", "\\}").replace("#", "\\#").replace("~", "\\~")
            fraction = Decimal(choice["fraction"])
            parts.append(f"={answer}" if fraction >= 1 else f"%{_percent(fraction)}%{answer}")
        kind = "SHORTANSWER_C" if data.get("case_sensitive") else "SHORTANSWER"
        return "{1:" + kind + ":" + "~".join(parts) + "}"

    return re.sub(r"\[\[(\d+)\]\]", blank, text)
