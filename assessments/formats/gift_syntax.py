"""GIFT's small syntax pieces (escapes, weights, feedback), shared by the reader and the question types."""

import re
from decimal import Decimal, InvalidOperation

SPECIAL = "~=#{}:"
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


class GiftError(Exception):
    """A question block is rejected; ``line_offset`` counts from the block's first line."""

    def __init__(self, reason, line_offset=0):
        super().__init__(reason)
        self.reason = reason
        self.line_offset = line_offset


def unescape(text):
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt == "n" else nxt)
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out).strip()


def escape(text):
    text = str(text or "").replace("\\", "\\\\")
    for char in SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def find_unescaped(text, char, start=0):
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == char:
            return i
        i += 1
    return -1


def split_unescaped(text, markers):
    """Split at unescaped marker characters: ``[(marker or "", segment), ...]``."""
    parts, current, marker, i = [], [], "", 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if char in markers:
            parts.append((marker, "".join(current)))
            current, marker = [], char
        else:
            current.append(char)
        i += 1
    parts.append((marker, "".join(current)))
    return parts


def answer_parts(answers):
    """The ``=``/``~`` answers of a block: ``[(marker, segment)]`` without empty leading text."""
    return [(m, s) for m, s in split_unescaped(answers, "=~") if m or s.strip()]


def find_arrow(segment):
    i = 0
    while i < len(segment) - 1:
        if segment[i] == "\\":
            i += 2
            continue
        if segment[i : i + 2] == "->":
            return i
        i += 1
    return -1


def weight(segment):
    """``(fraction or None, rest)`` for a segment that may start with ``%50%``."""
    match = WEIGHT.match(segment.strip())
    if not match:
        return None, segment.strip()
    return Decimal(match.group(1)) / 100, segment.strip()[match.end() :]


def answer_and_feedback(segment):
    cut = find_unescaped(segment, "#")
    if cut < 0:
        return segment, ""
    return segment[:cut], unescape(segment[cut + 1 :])


def number(text):
    try:
        return Decimal(text.strip())
    except InvalidOperation as error:
        raise GiftError(f"“{text.strip()}” is not a number") from error


def weight_text(fraction, default):
    """``%50%`` unless the fraction is the marker's default."""
    fraction = Decimal(fraction)
    if fraction == default:
        return ""
    return f"%{(fraction * 100).normalize():f}%"
