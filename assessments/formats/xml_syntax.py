"""Moodle XML's small pieces (texts, flags, fractions), shared by the reader, the writer and the question types."""

from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import SubElement  # noqa: S405 - building output only

from assessments.formats.common import html_to_text


class XmlError(Exception):
    """A question element is rejected, with this reason."""


def text_of(element, path, default=""):
    found = element.find(path) if element is not None else None
    if found is None or found.text is None:
        return default
    return found.text


def rich(element, path):
    """Text of ``<path><text>`` converted from HTML when its format says so."""
    holder = element.find(path)
    if holder is None:
        return ""
    value = text_of(holder, "text")
    if holder.get("format", "html") in ("html", "moodle_auto_format", "markdown"):
        return html_to_text(value)
    return value.strip()


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
        raise XmlError(f"fraction=“{raw}” is not a number") from error


def decimal(text, what):
    try:
        return Decimal(text.strip())
    except (InvalidOperation, AttributeError) as error:
        raise XmlError(f"{what} “{text}” is not a number") from error


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
        answer = SubElement(element, "answer", {"fraction": percent(choice["fraction"]), "format": "plain_text"})
        SubElement(answer, "text").text = text(choice) if text else writer.pick(choice["text"])
        if extra:
            extra(answer, choice)
        if writer.pick(choice.get("feedback")):
            text_element(answer, "feedback", writer.pick(choice["feedback"]))
