"""What both import formats produce, and the checks every imported question must pass."""

import html
import re
from dataclasses import dataclass, field
from decimal import Decimal


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


class FormatWriter:
    """What a question type needs when it writes a file: the language to write, texts picked in it."""

    def __init__(self, language):
        self.language = language

    def pick(self, translations):
        from assessments.qtypes.base import in_language

        return in_language(translations, self.language)


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
    from assessments import qtypes
    from assessments.qtypes.numeric import parse_units

    problems = []
    if not question.text.strip():
        problems.append("the question has no text")
    problems.extend(qtypes.get(question.qtype).check(question))
    for choice in question.choices:
        if not Decimal(-1) <= choice.fraction <= Decimal(1):
            problems.append(f"an answer weight of {choice.fraction * 100:.0f}% is outside -100%..100%")
    try:
        parse_units(question.units)
    except ValueError as error:
        problems.append(f"units: {error}")
    return problems
