"""What both import formats produce, and the checks every imported question must pass."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from assessments.formats import texts

# Moodle's allowed answer grades (question_bank::fraction_options_full): p/q for q <= 6, p/10, 1/q for
# q <= 10, 1/20, and their negatives; a grade matches within 0.00001, as in Moodle's match_grade_options.
MOODLE_GRADES = sorted(
    {Decimal(0), Decimal(1), Decimal(-1)}
    | {
        sign * Decimal(value)
        for value in (
            "0.9", "0.8333333", "0.8", "0.75", "0.7", "0.6666667", "0.6", "0.5", "0.4", "0.3333333",
            "0.3", "0.25", "0.2", "0.1666667", "0.1428571", "0.125", "0.1111111", "0.1", "0.05",
        )
        for sign in (1, -1)
    }
)  # fmt: skip
GRADE_TOLERANCE = Decimal("0.00001")


class ImportFailed(Exception):
    """The file is rejected whole: ``errors`` lists ``(where, reason)`` for every problem found;
    ``skipped`` the unsupported questions, which ``skip_unsupported`` would have left out."""

    def __init__(self, errors, skipped=()):
        self.errors = list(errors)
        self.skipped = list(skipped)
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
class ParsedBlank:
    number: int
    kind: str = "text"  # text, numeric, choice
    weight: Decimal = Decimal(1)
    case_sensitive: bool = False
    layout: str = "dropdown"
    shuffle: bool = False


@dataclass
class ParsedQuestion:
    qtype: str
    text: str
    where: str  # "line 12" or "<question> at line 40"
    name: str = ""
    category: str | None = None  # a slash-separated path
    general_feedback: str = ""
    choices: list = field(default_factory=list)
    blanks: list = field(default_factory=list)
    shuffle: bool = True
    case_sensitive: bool = False
    units: str = ""
    unit_handling: str = "optional"
    unit_penalty: Decimal = Decimal("0.1")
    unit_position: str = "right"
    scoring: str = "partial"
    default_mark: Decimal = Decimal(1)
    tags: list = field(default_factory=list)
    text_format: str = texts.PLAIN
    files: dict = field(default_factory=dict)  # embedded files: {name: bytes}, referenced as @@PLUGINFILE@@/name

    def rich_fields(self):
        """``(holder, attribute)`` of every text that follows the question's format."""
        from assessments import qtypes

        rich_choices = qtypes.get(self.qtype).rich_choices if self.qtype else True
        yield self, "text"
        yield self, "general_feedback"
        for choice in self.choices:
            if rich_choices:
                yield choice, "text"
            yield choice, "feedback"


@dataclass
class ParseResult:
    questions: list
    skipped: list  # (where, reason) of unsupported questions left out


class FormatWriter:
    """What a question type needs when it writes a file: the language to write, texts picked in it."""

    def __init__(self, language):
        self.language = language

    def pick(self, translations):
        from assessments.qtypes.base import in_language

        return in_language(translations, self.language)


def clean_category_path(path):
    """Moodle's ``$course$/top/Evidence/Seizure`` -> ``Evidence/Seizure``."""
    parts = [part.strip() for part in (path or "").split("/") if part.strip()]
    if parts and parts[0].startswith("$") and parts[0].endswith("$"):
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return "/".join(parts)


def finish(questions, problems, skip_unsupported, start):
    """The outcome of reading a file: ``ParseResult``, or ``ImportFailed`` listing the problems in file order
    (unsupported questions count as problems unless ``skip_unsupported``)."""
    skipped = [(where, reason) for where, reason, unsupported in problems if unsupported]
    errors = [(where, reason) for where, reason, unsupported in problems if not (unsupported and skip_unsupported)]
    if errors:
        raise ImportFailed(errors, skipped)
    if not questions:
        raise ImportFailed([(start, _("the file contains no questions Custodia can import"))], skipped)
    return ParseResult(questions, skipped)


def unify_formats(question):
    """One format per question: HTML for all its texts when any of them is HTML (see ``texts``)."""
    holders = list(question.rich_fields())
    fmt, values = texts.unify([getattr(holder, name) for holder, name in holders])
    question.text_format = fmt
    for (holder, name), value in zip(holders, values, strict=True):
        setattr(holder, name, value)


_PLUGINFILE = re.compile(r"@@PLUGINFILE@@/([^\"'\s<>)]+)")


def pluginfile_references(question):
    """The embedded files the question's texts refer to (``@@PLUGINFILE@@/name``), decoded."""
    from urllib.parse import unquote

    names = []
    for holder, name in question.rich_fields():
        names.extend(unquote(match) for match in _PLUGINFILE.findall(getattr(holder, name) or ""))
    return list(dict.fromkeys(names))


def _is_moodle_grade(fraction):
    return any(abs(fraction - allowed) < GRADE_TOLERANCE for allowed in MOODLE_GRADES)


def check_question(question):
    """Problems with a parsed question, whatever format it came from."""
    from assessments import qtypes
    from assessments.qtypes.numeric import parse_units

    question_type = qtypes.get(question.qtype)
    problems = []
    if not texts.as_plain(question.text).strip() and "<img" not in question.text:
        problems.append(_("the question has no text"))
    problems.extend(question_type.check(question))
    for choice in question.choices:
        if not Decimal(-1) <= choice.fraction <= Decimal(1):
            problems.append(
                _("an answer weight of %(weight)s%% is outside -100%%..100%%") % {"weight": _percent(choice.fraction)}
            )
        elif question_type.moodle_grades and not _is_moodle_grade(choice.fraction):
            problems.append(
                _(
                    "the grade %(weight)s%% is not one Moodle allows (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, "
                    "50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10, 5 or 0%%, or minus one "
                    "of them)"
                )
                % {"weight": _percent(choice.fraction)}
            )
    try:
        parse_units(question.units)
    except ValueError as error:
        problems.append(_("units: %(problem)s") % {"problem": error})
    missing = [name for name in pluginfile_references(question) if name not in question.files]
    if missing:
        problems.append(
            _("it shows the embedded file “%(name)s”, which the file does not contain") % {"name": missing[0]}
        )
    return problems


def _percent(fraction):
    return f"{(Decimal(fraction) * 100).normalize():f}"
