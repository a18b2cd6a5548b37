"""Moodle XML: a reader (through defusedxml) and a writer written for Custodia.

The reader and writer handle what every question shares (categories, name, text, general feedback,
mark, shuffling, tags); each question type (``assessments.qtypes``) reads and writes its own
answers. Fractions are percentages (``fraction="33.33333"``); text may be HTML in CDATA. Other
types (essay, description, calculated…) are refused with their line.
"""

from xml.etree.ElementTree import Element, SubElement, TreeBuilder, indent, tostring  # noqa: S405 - writing only

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from assessments import qtypes
from assessments.formats.common import (
    FormatWriter,
    ImportFailed,
    ParsedQuestion,
    check_question,
    clean_category_path,
    html_to_text,
)
from assessments.formats.xml_syntax import XmlError, decimal, flag, rich, text_element, text_of


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


def _where(element):
    line = getattr(element, "sourceline", None)
    return f"<{element.tag}> at line {line}" if line else f"<{element.tag}>"


def _type_for(element):
    """The question type that reads this ``<question type="…">``, or None."""
    name = element.get("type", "")
    for question_type in qtypes.all_types():
        if name in question_type.moodle_xml_reads and question_type.xml_claims(element):
            return question_type
    return None


def _parse_question(element, category):
    question_type = _type_for(element)
    if question_type is None:
        raise XmlError(f"questions of type “{element.get('type', '')}” are not supported")
    question = ParsedQuestion(
        qtype=question_type.code,
        text=rich(element, "questiontext"),
        where=_where(element),
        name=html_to_text(text_of(element, "name/text")),
        category=category,
        general_feedback=rich(element, "generalfeedback"),
        shuffle=flag(element, "shuffleanswers", True),
    )
    grade = text_of(element, "defaultgrade", "").strip()
    if grade:
        question.default_mark = decimal(grade, "defaultgrade")
        if question.default_mark <= 0:
            raise XmlError("defaultgrade must be positive")
    question.tags = [t.text.strip() for t in element.findall("tags/tag/text") if t.text and t.text.strip()]
    question_type.xml_read(element, question, None)
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
        if element.get("type", "") == "category":
            category = clean_category_path(text_of(element, "category/text"))
            continue
        try:
            question = _parse_question(element, category)
        except XmlError as error:
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
def write(versions, language="en"):
    """Moodle XML for question snapshots (``QuestionVersion.data``, with ``category`` added)."""
    writer = FormatWriter(language)
    quiz, category = Element("quiz"), None
    for data in versions:
        if data.get("category") and data["category"] != category:
            category = data["category"]
            holder = SubElement(quiz, "question", {"type": "category"})
            text_element(SubElement(holder, "category"), None, f"$course$/top/{category}")
        question_type = qtypes.of(data)
        question = SubElement(quiz, "question", {"type": question_type.moodle_xml_type})
        text_element(SubElement(question, "name"), None, data["name"])
        text = question_type.xml_question_text(data, writer.pick(data["text"]), writer)
        text_element(question, "questiontext", text)
        text_element(question, "generalfeedback", writer.pick(data.get("general_feedback")))
        SubElement(question, "defaultgrade").text = str(data.get("mark", "1"))
        SubElement(question, "shuffleanswers").text = "1" if data.get("shuffle", True) else "0"
        question_type.xml_write(data, question, writer)
    indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(quiz, encoding="unicode") + "\n"
