"""Moodle XML: a reader (through defusedxml) and a writer written for Custodia, reading files as Moodle's
own importer (question/format/xml) does.

The reader and writer handle what every question shares (categories, name, text and general feedback
in their formats with their embedded files, mark, shuffling, tags); each question type
(``assessments.qtypes``) reads and writes its own answers. Fractions are percentages
(``fraction="33.33333"``). Types Custodia does not grade (essay, description, calculated…) are
refused with their line, or left out on request.
"""

from xml.etree.ElementTree import Element, SubElement, TreeBuilder, indent, tostring  # noqa: S405 - writing only

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from django.utils.translation import gettext as _

from assessments import qtypes
from assessments.formats import media, texts
from assessments.formats.common import (
    FormatWriter,
    ImportFailed,
    ParsedQuestion,
    check_question,
    clean_category_path,
    finish,
    unify_formats,
)
from assessments.formats.xml_syntax import XmlContext, XmlError, decimal, embedded_files, flag, text_of


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
        raise XmlError(
            _("questions of type “%(type)s” are not imported: Custodia imports only questions it grades")
            % {"type": element.get("type", "")},
            unsupported=True,
        )
    holder = element.find("questiontext")
    context = XmlContext(holder.get("format", "html") if holder is not None else "html")
    text = context.text(element, "questiontext")
    legacy_image, legacy_data = text_of(element, "image").strip(), text_of(element, "image_base64").strip()
    if legacy_image and legacy_data:  # files of Moodle 1.x: <image> and <image_base64> beside the text
        name = legacy_image.replace("/", "_")
        legacy = Element("holder")
        SubElement(legacy, "file", {"name": name, "encoding": "base64"}).text = legacy_data
        context.files.update(embedded_files(legacy))
        text = texts.Html(
            f'{text if texts.is_html(text) else texts.plain_to_html(text)} <img src="@@PLUGINFILE@@/{name}" alt="">'
        )
    question = ParsedQuestion(
        qtype=question_type.code,
        text=text,
        where=_where(element),
        name=texts.html_to_text(text_of(element, "name/text")),
        category=category,
        general_feedback=context.text(element, "generalfeedback"),
        shuffle=flag(element, "shuffleanswers", True),
    )
    grade = text_of(element, "defaultgrade", "").strip()
    if grade:
        question.default_mark = decimal(grade, "defaultgrade")
        if question.default_mark <= 0:
            raise XmlError(_("defaultgrade must be positive"))
    question.tags = [t.text.strip() for t in element.findall("tags/tag/text") if t.text and t.text.strip()]
    question_type.xml_read(element, question, context)
    question.files = context.files
    if not question.name:
        question.name = texts.as_plain(question.text)[:80]
    unify_formats(question)
    return question


def parse(content, skip_unsupported=False):
    """Parse Moodle XML; ``ImportFailed`` lists every problem (and, unless ``skip_unsupported``, every
    unsupported question). Returns a ``ParseResult``."""
    try:
        root = _parse_xml(content)
    except ParseError as error:
        line = getattr(error, "position", (None,))[0]
        raise ImportFailed(
            [
                (
                    _("line %(line)s") % {"line": line} if line else "XML",
                    _("not well-formed XML (%(error)s)") % {"error": error},
                )
            ]
        ) from error
    except DefusedXmlException as error:
        raise ImportFailed(
            [
                (
                    "XML",
                    _("refused: %(error)s (DTDs and entities are not allowed)") % {"error": error.__class__.__name__},
                )
            ]
        ) from error
    if root.tag != "quiz":
        raise ImportFailed([(_where(root), _("the root element must be <quiz>"))])
    questions, problems, category = [], [], None  # problems: (where, reason, unsupported), in file order
    for element in root:
        if element.tag != "question":
            problems.append((_where(element), _("only <question> elements may appear in <quiz>"), False))
            continue
        if element.get("type", "") == "category":
            category = clean_category_path(text_of(element, "category/text"))
            continue
        try:
            question = _parse_question(element, category)
        except XmlError as error:
            problems.append((_where(element), str(error), error.unsupported))
            continue
        problems.extend((question.where, problem, False) for problem in check_question(question))
        questions.append(question)
    return finish(questions, problems, skip_unsupported, _where(root))


# Writing --------------------------------------------------------------------------------------
class XmlWriter(FormatWriter):
    """Texts of an HTML question are written as HTML, with the images and media they show embedded."""

    def __init__(self, language):
        super().__init__(language)
        self.format = "plain_text"
        self.files = None

    def start(self, data):
        self.format = "html" if data.get("format") == texts.HTML else "plain_text"
        self.files = media.Exporter()

    def text_element(self, parent, tag, translations, fmt=None):
        """``<tag format="…"><text>…</text><file…/></tag>``; nothing for an empty text (except when ``tag``
        is one Moodle always writes)."""
        value = self.pick(translations)
        if not value and tag not in ("questiontext", "generalfeedback"):
            return None
        fmt = fmt or self.format
        holder = SubElement(parent, tag, {"format": fmt}) if tag else parent
        if fmt == "html" and value:
            value, files = self.files.embed(value)
            SubElement(holder, "text").text = value
            for name, content in files:
                self.files.write(holder, name, content)
        else:
            SubElement(holder, "text").text = value
        return holder


def write(versions, language="en"):
    """Moodle XML for question snapshots (``QuestionVersion.data``, with ``category`` added)."""
    writer = XmlWriter(language)
    quiz, category = Element("quiz"), None
    for data in versions:
        if data.get("category") and data["category"] != category:
            category = data["category"]
            holder = SubElement(quiz, "question", {"type": "category"})
            SubElement(SubElement(holder, "category"), "text").text = f"$course$/top/{category}"
        question_type = qtypes.of(data)
        writer.start(data)
        question = SubElement(quiz, "question", {"type": question_type.moodle_xml_type})
        SubElement(SubElement(question, "name"), "text").text = data["name"]
        text_format = question_type.xml_text_format(data, writer)
        text = question_type.xml_question_text(data, {writer.language: writer.pick(data["text"])}, writer)
        writer.text_element(question, "questiontext", text, text_format)
        writer.text_element(question, "generalfeedback", data.get("general_feedback"), text_format)
        SubElement(question, "defaultgrade").text = str(data.get("mark", "1"))
        SubElement(question, "shuffleanswers").text = "1" if data.get("shuffle", True) else "0"
        question_type.xml_write(data, question, writer)
    indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(quiz, encoding="unicode") + "\n"
