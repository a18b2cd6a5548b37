"""What both import formats produce, and the checks every imported question must pass."""

import html
import re
from dataclasses import dataclass, field
from decimal import Decimal

from assessments.grading import BLANK_MARKER, parse_units


class ImportFailed(Exception):
    """The file is rejected whole: ``errors`` lists ``(where, reason)`` for every problem found."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(f"{where}: {reason}" for where, reason in self.errors))

    def lines(self):
        return [f"{where}: {reason}" for where, reason in self.errors]


@dataclass
class ParsedChoice:
    text: str = ""
    fraction: Decimal = Decimal(0)
    feedback: str = ""
    match_text: str = ""
    value: Decimal | None = None
    tolerance: Decimal = Decimal(0)
    blank: int | None = None


@dataclass
class ParsedQuestion:
    qtype: str
    text: str
    where: str  # "line 12" or "<question> at line 40"
    name: str = ""
    category: str | None = None  # a slash-separated path
    general_feedback: str = ""
    choices: list = field(default_factory=list)
    shuffle: bool = True
    case_sensitive: bool = False
    units: str = ""
    unit_handling: str = "optional"
    scoring: str = "partial"
    default_mark: Decimal = Decimal(1)
    tags: list = field(default_factory=list)


_BREAKS = re.compile(r"<\s*(br|/p|/div|/li|/h\d)\s*/?\s*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")


def html_to_text(value):
    """Question text is stored as plain text: tags dropped (line breaks kept), entities decoded."""
    value = _BREAKS.sub("\n", value or "")
    value = html.unescape(_TAGS.sub("", value))
    lines = [line.strip() for line in value.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def clean_category_path(path):
    """Moodle's ``$course$/top/Evidence/Seizure`` -> ``Evidence/Seizure``."""
    parts = [part.strip() for part in (path or "").split("/") if part.strip()]
    if parts and parts[0].startswith("$") and parts[0].endswith("$"):
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return "/".join(parts)


def check_question(question):
    """Problems with a parsed question, whatever format it came from."""
    problems = []
    if not question.text.strip():
        problems.append("the question has no text")
    if question.qtype in ("single", "multiple", "truefalse") and len(question.choices) < 2:
        problems.append("a choice question needs at least two answers")
    if question.qtype in ("single", "truefalse", "short", "numeric") and not any(
        c.fraction >= 1 for c in question.choices
    ):
        problems.append("no answer gives full credit (100%)")
    if question.qtype == "multiple":
        total = sum((c.fraction for c in question.choices if c.fraction > 0), Decimal(0))
        if total < Decimal("0.99"):
            problems.append(f"the positive answer weights add up to {total * 100:.0f}%, not 100%")
    for choice in question.choices:
        if not Decimal(-1) <= choice.fraction <= Decimal(1):
            problems.append(f"an answer weight of {choice.fraction * 100:.0f}% is outside -100%..100%")
    if question.qtype == "numeric" and any(c.value is None for c in question.choices):
        problems.append("a numeric answer is not a number")
    if question.qtype == "matching" and len([c for c in question.choices if c.text]) < 2:
        problems.append("a matching question needs at least two pairs")
    if question.qtype == "ordering" and len(question.choices) < 2:
        problems.append("an ordering question needs at least two items")
    if question.qtype == "blanks":
        markers = {int(n) for n in BLANK_MARKER.findall(question.text)}
        blanks = {c.blank for c in question.choices}
        if not markers or markers != blanks:
            problems.append("the blanks in the text do not match the blanks with answers")
    try:
        parse_units(question.units)
    except ValueError as error:
        problems.append(f"units: {error}")
    return problems
