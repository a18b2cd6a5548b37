"""Import parsed questions into the bank, and export the bank.

An import is all or nothing: the file is read and checked whole before anything is written, and a
file with any problem changes nothing. Unsupported questions (essays, descriptions…) reject the file
too, unless ``skip_unsupported`` is asked for: then the others are imported and each skipped one is
listed with its line and reason.

Small files are saved in one transaction. Large ones (``progress`` given, e.g. by the background
job) are saved in batches of ``BATCH`` questions, each in its own transaction, so progress is
visible and the database is never locked for long; if a batch fails, what the earlier batches
saved is deleted again, files included.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.signal_handlers import disable_reference_index_auto_update

from assessments import qtypes
from assessments.formats import gift, moodle_xml, texts
from assessments.formats.common import ImportFailed
from assessments.formats.media import Importer as MediaImporter
from assessments.models import Choice, Question, QuestionBlank, QuestionCategory, snapshots_for
from assessments.tasks import update_question_references
from elearning.languages import LANGUAGE_CODES, get_language_info

DEFAULT_CATEGORY = "Imported"
BATCH = 200


@dataclass
class ImportResult:
    questions: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (where, reason)


def detect_format(content):
    """``"moodle_xml"`` when the content is XML, else ``"gift"``."""
    head = content[:200].decode("utf-8", "replace") if isinstance(content, bytes) else content[:200]
    return "moodle_xml" if head.lstrip("\ufeff \t\r\n").startswith("<") else "gift"


def parse(content, skip_unsupported=False):
    """``(format, ParseResult)``; ``ImportFailed`` when the file cannot be imported as it is."""
    fmt = detect_format(content)
    if fmt == "moodle_xml":
        return fmt, moodle_xml.parse(content, skip_unsupported=skip_unsupported)
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ImportFailed(
                [(_("byte %(byte)s") % {"byte": error.start}, _("a GIFT file must be UTF-8 text"))]
            ) from error
    return fmt, gift.parse(content, skip_unsupported=skip_unsupported)


def import_questions(content, *, category=None, language="en", skip_unsupported=False, progress=None):
    """Parse and save every question of ``content``; ``ImportFailed`` (nothing saved) on any problem.

    ``category`` (a name or path) is the parent of the categories the file names; questions the file
    puts in no category go into it. Texts are stored in ``language``. ``progress(done, total)`` is
    called after each saved batch. Returns an ``ImportResult``.
    """
    if language not in LANGUAGE_CODES:
        raise ImportFailed([("--language", _("unknown language “%(language)s”") % {"language": language})])
    _fmt, parsed = parse(content, skip_unsupported)
    saver = _Saver(category or DEFAULT_CATEGORY, language)
    try:
        if progress is None:
            with transaction.atomic():
                saver.save(parsed.questions)
        else:
            progress(0, len(parsed.questions))
            for start in range(0, len(parsed.questions), BATCH):
                with transaction.atomic():
                    saver.save(parsed.questions[start : start + BATCH])
                progress(min(start + BATCH, len(parsed.questions)), len(parsed.questions))
    except BaseException:
        saver.undo()
        raise
    transaction.on_commit(lambda: update_question_references.enqueue([q.pk for q in saver.created]))
    return ImportResult(saver.created, parsed.skipped)


class _Saver:
    """Writes parsed questions (in one language) and remembers what it wrote, to undo it."""

    def __init__(self, base, language):
        self.base = base
        self.language = language
        self.suffix = get_language_info(language).field_suffix
        self.categories = {}
        self.known = None
        self.new_categories = []
        self.created = []
        self.media = MediaImporter()

    def _category(self, item):
        path = f"{self.base}/{item.category}" if item.category else self.base
        if path not in self.categories:
            if self.known is None:
                self.known = set(QuestionCategory.objects.values_list("pk", flat=True))
            category = node = QuestionCategory.for_path(path)
            while node is not None and node.pk not in self.known and node.pk not in self.new_categories:
                self.new_categories.append(node.pk)  # made by this import: deleted again on undo
                node = node.parent
            self.categories[path] = category
        return self.categories[path]

    def save(self, items):
        # Wagtail indexes each saved snippet's references at once (a task per question): for an import,
        # that is done once at the end, for all the questions (``update_references``).
        with translation.override(self.language), disable_reference_index_auto_update():
            for item in items:
                self._save_one(item)

    def _save_one(self, item):
        question_type = qtypes.get(item.qtype)
        urls = self.media.urls_for(item.files) if item.files else {}

        def stored(value):
            return texts.stored(self.media.rewrite(value, urls) if urls else value, item.text_format)

        question = Question(
            qtype=item.qtype,
            category=self._category(item),
            name=texts.as_plain(item.name)[:255] or _("Question"),
            text_format=item.text_format,
            shuffle_options=item.shuffle,
            case_sensitive=item.case_sensitive,
            unit_handling=item.unit_handling,
            unit_penalty=item.unit_penalty,
            unit_position=item.unit_position,
            scoring=item.scoring,
            default_mark=item.default_mark,
        )
        setattr(question, f"text_{self.suffix}", stored(item.text))
        setattr(question, f"general_feedback_{self.suffix}", stored(item.general_feedback))
        setattr(question, f"units_{self.suffix}", item.units)
        question.save()
        if item.tags:
            question.tags.add(*item.tags)
            question.save()
        choices = []
        for order, parsed_choice in enumerate(item.choices):
            choice = Choice(
                question=question,
                sort_order=order,
                fraction=parsed_choice.fraction,
                value=parsed_choice.value,
                tolerance=parsed_choice.tolerance,
                blank=parsed_choice.blank,
            )
            for code, text in question_type.choice_texts(parsed_choice, self.language).items():
                text = stored(text) if question_type.rich_choices else text  # matched against typing: as typed
                setattr(choice, f"text_{get_language_info(code).field_suffix}", text)
            setattr(choice, f"match_text_{self.suffix}", parsed_choice.match_text)
            setattr(choice, f"feedback_{self.suffix}", stored(parsed_choice.feedback))
            choices.append(choice)
        Choice.objects.bulk_create(choices)
        QuestionBlank.objects.bulk_create(
            QuestionBlank(
                question=question,
                sort_order=order,
                number=blank.number,
                kind=blank.kind,
                weight=blank.weight,
                case_sensitive=blank.case_sensitive,
                layout=blank.layout,
                shuffle=blank.shuffle,
            )
            for order, blank in enumerate(item.blanks)
        )
        self.created.append(question)

    def undo(self):
        """Delete what earlier batches committed (a failed batch's own rows went with its transaction)."""
        saved = [question.pk for question in self.created if question.pk]
        if saved:
            Question.objects.filter(pk__in=saved).delete()
        for pk in sorted(self.new_categories, reverse=True):  # children were made after their parents
            QuestionCategory.objects.filter(pk=pk, questions__isnull=True, children__isnull=True).delete()
        self.media.discard()
        self.created = []


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
