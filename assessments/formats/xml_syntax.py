"""Moodle XML's small pieces (texts in their formats, embedded files, flags, fractions), shared by the
reader, the writer and the question types."""

import base64
import binascii
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import SubElement  # noqa: S405 - building output only

from django.utils.translation import gettext as _

from assessments.formats import texts

# Moodle's format names (qformat_xml::trans_format); an unknown name is read as HTML, as Moodle does.
FORMATS = {
    "moodle_auto_format": texts.MOODLE,
    "html": texts.HTML,
    "plain_text": texts.PLAIN,
    "wiki_like": texts.MOODLE,
    "markdown": texts.MARKDOWN,
}


class XmlError(Exception):
    """A question element is rejected, with this reason; ``unsupported`` when it is well formed but of a
    kind Custodia does not import (``skip_unsupported`` may leave it out)."""

    def __init__(self, reason, unsupported=False):
        super().__init__(reason)
        self.unsupported = unsupported


def text_of(element, path, default=""):
    found = element.find(path) if element is not None else None
    if found is None or found.text is None:
        return default
    return found.text


def embedded_files(holder):
    """``{name: bytes}`` of the ``<file>`` elements of a text holder (names as ``@@PLUGINFILE@@/`` uses them)."""
    files = {}
    for element in holder.findall("file"):
        name = (element.get("path", "/").strip("/") + "/" + element.get("name", "")).strip("/")
        if not name:
            raise XmlError(_("an embedded file has no name"))
        try:
            files[name] = base64.b64decode((element.text or "").strip(), validate=False)
        except (binascii.Error, ValueError) as error:
            raise XmlError(_("the embedded file “%(name)s” is not valid base64") % {"name": name}) from error
    return files


class XmlContext:
    """Reading one question: its text format (the default of its other texts) and the files it embeds."""

    def __init__(self, question_format="html"):
        self.format = question_format
        self.files = {}

    def text(self, element, path="."):
        """``<path format="…"><text/>…<file/></path>``: plain text or ``texts.Html``; files collected."""
        holder = element if path == "." else element.find(path)
        if holder is None:
            return ""
        self.files.update(embedded_files(holder))
        fmt = FORMATS.get(holder.get("format", self.format).strip(), texts.HTML)
        return texts.read(text_of(holder, "text").strip(), fmt)

    @staticmethod
    def plain(element, path):
        """A text Moodle keeps as plain text (short answers, matching answers, numbers)."""
        return text_of(element, path).strip()


def flag(element, path, default):
    value = text_of(element, path, "").strip().lower()
    if not value:
        return default
    return value in ("1", "true", "yes")


def fraction(answer):
    raw = answer.get("fraction", "0")
    try:
        return Decimal(raw) / 100
    except InvalidOperation as error:
        raise XmlError(_("fraction=“%(value)s” is not a number") % {"value": raw}) from error


def decimal(text, what):
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise XmlError(_("%(what)s “%(value)s” is not a number") % {"what": what, "value": text})
    return value


def percent(value):
    value = (Decimal(value) * 100).normalize()
    return f"{value:f}"


def text_element(parent, tag, value, fmt="plain_text"):
    holder = SubElement(parent, tag, {"format": fmt}) if tag else parent
    SubElement(holder, "text").text = value or ""
    return holder


def write_answers(data, element, writer, text=None, extra=None):
    """One ``<answer fraction="…">`` per choice: its text (``text(choice)`` when given), ``extra(answer, choice)``
    for type-specific elements, then its feedback."""
    for choice in data["choices"]:
        answer = SubElement(element, "answer", {"fraction": percent(choice["fraction"]), "format": writer.format})
        SubElement(answer, "text").text = text(choice) if text else writer.pick(choice["text"])
        if extra:
            extra(answer, choice)
        writer.text_element(answer, "feedback", choice.get("feedback"))
