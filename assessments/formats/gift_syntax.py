"""GIFT's small syntax pieces, read as Moodle reads them, shared by the reader and the question types.

Moodle's escape set only: ``\\:``, ``\\#``, ``\\=``, ``\\{``, ``\\}``, ``\\~``, ``\\n`` (a line break) and
``\\\\`` (a backslash); any other backslash stays as typed. Escaped characters are swapped for
private-use placeholders before a block is taken apart (``protect``) and swapped back in each piece
of text (``restore``), so the structure is found with plain string operations, as in Moodle.
"""

import re
from decimal import Decimal, InvalidOperation

from assessments.formats import texts

_ESCAPES = {":": "\ue03a", "#": "\ue023", "=": "\ue03d", "{": "\ue07b", "}": "\ue07d", "~": "\ue07e", "n": "\ue00a"}
_BACKSLASH = "\ue05c"
_RESTORE = {placeholder: ("\n" if char == "n" else char) for char, placeholder in _ESCAPES.items()}
_RESTORE_TABLE = str.maketrans(_RESTORE)
FORMAT_TAG = re.compile(r"^\[(html|plain|moodle|markdown)\]")
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d*)?)%")


class GiftError(Exception):
    """A question block is rejected; ``line_offset`` counts from the block's first line.

    ``unsupported``: the block is well formed but of a kind Custodia does not import (a description,
    an essay…), so ``--skip-unsupported`` may leave it out.
    """

    def __init__(self, reason, line_offset=0, unsupported=False):
        super().__init__(reason)
        self.reason = reason
        self.line_offset = line_offset
        self.unsupported = unsupported


def protect(text):
    """Escaped control characters become placeholders (``\\\\`` becomes one backslash)."""
    text = text.replace("\\\\", _BACKSLASH)
    for char, placeholder in _ESCAPES.items():
        text = text.replace("\\" + char, placeholder)
    return text.replace(_BACKSLASH, "\\")


def restore(text):
    return text.translate(_RESTORE_TABLE)


def read_text(text, default=texts.MOODLE):
    """A piece of GIFT text with its optional ``[format]`` tag: plain text or ``texts.Html``."""
    text = text.strip()
    fmt = default
    tag = FORMAT_TAG.match(text)
    if tag:
        fmt, text = tag.group(1), text[tag.end() :]
    return texts.read(restore(text).strip(), fmt), fmt


def format_of(text, default=texts.MOODLE):
    tag = FORMAT_TAG.match(text.strip())
    return tag.group(1) if tag else default


def weight(answer):
    """``(fraction or None, rest)`` for an answer that may start with ``%50%``."""
    answer = answer.strip()
    match = WEIGHT.match(answer)
    if not match:
        return None, answer
    try:
        return Decimal(match.group(1)) / 100, answer[match.end() :]
    except InvalidOperation:  # pragma: no cover - the pattern admits numbers only
        return None, answer


def split_feedback(answer, parts=2):
    """``answer#feedback`` (``parts=3``: true/false's ``answer#wrong#right``), missing parts empty."""
    bits = answer.split("#", parts - 1)
    return bits + [""] * (parts - len(bits))


def explode(text, separator):
    """Moodle's ``explode``, dropping an empty first piece (the text before the first separator)."""
    pieces = text.split(separator)
    if pieces and not pieces[0].strip():
        pieces = pieces[1:]
    return pieces


def number(text):
    """A number as Moodle's ``is_numeric`` reads it, or GiftError."""
    text = restore(text).strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise GiftError(f"“{text}” is not a number")
    return value


# Writing ---------------------------------------------------------------------------------------
SPECIAL = "~=#{}:"


def escape(text):
    text = str(text or "").replace("\\", "\\\\")
    for char in SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "\\n")


def weight_text(fraction, default):
    """``%50%`` unless the fraction is the marker's default."""
    fraction = Decimal(fraction)
    if fraction == default:
        return ""
    return f"%{(fraction * 100).normalize():f}%"


def plain_text(text):
    """A piece Moodle keeps as plain text (short answers, matching answers): the format tag dropped."""
    text = text.strip()
    tag = FORMAT_TAG.match(text)
    if tag:
        text = text[tag.end() :]
    return restore(text).strip()
