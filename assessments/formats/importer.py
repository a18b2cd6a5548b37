"""Import parsed questions into the bank: all of them in one transaction, or none."""

from django.db import transaction
from django.utils import translation

from assessments import qtypes
from assessments.formats import gift, moodle_xml
from assessments.formats.common import ImportFailed
from assessments.models import Choice, Question, QuestionCategory, snapshots_for
from elearning.languages import LANGUAGE_CODES, get_language_info

DEFAULT_CATEGORY = "Imported"


def detect_format(content):
    """``"moodle_xml"`` when the content is XML, else ``"gift"``."""
    head = content[:200].decode("utf-8", "replace") if isinstance(content, bytes) else content[:200]
    return "moodle_xml" if head.lstrip("\ufeff \t\r\n").startswith("<") else "gift"


def parse(content):
    fmt = detect_format(content)
    if fmt == "moodle_xml":
        return fmt, moodle_xml.parse(content)
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ImportFailed([(f"byte {error.start}", "a GIFT file must be UTF-8 text")]) from error
    return fmt, gift.parse(content)


def import_questions(content, *, category=None, language="en"):
    """Parse and save every question of ``content``; ``ImportFailed`` (nothing saved) on any problem.

    ``category`` (a name or path) is the parent of the categories the file names; questions the file
    puts in no category go into it. Texts are stored in ``language``.
    """
    if language not in LANGUAGE_CODES:
        raise ImportFailed([("--language", f"unknown language “{language}”")])
    _fmt, parsed = parse(content)
    suffix = get_language_info(language).field_suffix
    created = []
    with transaction.atomic(), translation.override(language):
        base = category or DEFAULT_CATEGORY
        categories = {}
        for item in parsed:
            path = f"{base}/{item.category}" if item.category else base
            if path not in categories:
                categories[path] = QuestionCategory.for_path(path)
            question_type = qtypes.get(item.qtype)
            question = Question(
                qtype=item.qtype,
                category=categories[path],
                name=(item.name or item.text)[:255],
                shuffle_options=item.shuffle,
                case_sensitive=item.case_sensitive,
                units=item.units,
                unit_handling=item.unit_handling,
                scoring=item.scoring,
                default_mark=item.default_mark,
            )
            setattr(question, f"text_{suffix}", item.text)
            setattr(question, f"general_feedback_{suffix}", item.general_feedback)
            question.save()
            if item.tags:
                question.tags.add(*item.tags)
                question.save()
            for order, parsed_choice in enumerate(item.choices):
                choice = Choice(
                    question=question,
                    sort_order=order,
                    fraction=parsed_choice.fraction,
                    value=parsed_choice.value,
                    tolerance=parsed_choice.tolerance,
                    blank=parsed_choice.blank,
                )
                for code, text in question_type.choice_texts(parsed_choice, language).items():
                    setattr(choice, f"text_{get_language_info(code).field_suffix}", text)
                setattr(choice, f"match_text_{suffix}", parsed_choice.match_text)
                setattr(choice, f"feedback_{suffix}", parsed_choice.feedback)
                choice.save()
            created.append(question)
    return created


def export_questions(questions, fmt, language="en"):
    """GIFT or Moodle XML text for ``questions`` (their current content)."""
    questions = list(questions)
    by_pk = snapshots_for(questions)
    paths = {}  # category id: its path (walking up the parents once per category, not per question)
    snapshots = []
    for question in questions:
        data = dict(by_pk[question.pk])
        if question.category_id not in paths:
            paths[question.category_id] = "/".join(question.category.path_parts())
        data["category"] = paths[question.category_id]
        data["mark"] = str(question.default_mark)
        snapshots.append(data)
    writer = moodle_xml.write if fmt == "moodle_xml" else gift.write
    return writer(snapshots, language)
