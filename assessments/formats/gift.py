"""GIFT (Moodle's plain-text question format): a reader and a writer written for Custodia, reading files
as Moodle's own importer (question/format/gift) does.

The reader splits the file into blocks at blank lines (lines trimmed, ``//`` comment lines set
aside: ``[tag:…]`` in them become tags) and handles what every question shares: ``::title::``,
``[html]``/``[moodle]``/``[plain]``/``[markdown]`` format tags (answers and feedback default to the
question's format), Moodle's escapes, ``$CATEGORY:``, the general feedback ``####``, the missing-word
form. Which type an answer block ``{…}`` is, is decided as Moodle decides it (``#`` numeric, ``~``
multiple choice, ``=`` with ``->`` matching, ``T``/``FALSE``… true/false, else short answer) by the
question types themselves (``assessments.qtypes``, in their ``gift_order``). Descriptions and essays
are well-formed GIFT that Custodia does not import (it grades every answer on the server).
"""

import re

from django.utils.translation import gettext as _

from assessments import qtypes
from assessments.formats import texts
from assessments.formats.common import (
    FormatWriter,
    ParsedQuestion,
    check_question,
    clean_category_path,
    finish,
    pluginfile_references,
    unify_formats,
)
from assessments.formats.gift_syntax import GiftError, escape, protect, read_text, restore

_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f])+)\]")


def _blocks(content):
    """``(first line number, question lines, comment lines)`` per block, lines trimmed as Moodle trims them."""
    block, comments, start = [], [], None
    for number, line in enumerate(content.splitlines(), start=1):
        line = line.strip()
        if not line:
            if block or comments:
                yield start, block, comments
            block, comments, start = [], [], None
            continue
        if line.startswith("//"):
            comments.append(line)
            continue
        if start is None:
            start = number
        block.append(line)
    if block or comments:
        yield start, block, comments


class GiftContext:
    """What a type needs while it reads its answers: the question's text format (answers default to it)."""

    def __init__(self, fmt):
        self.format = fmt

    def text(self, piece):
        return read_text(piece, self.format)[0]


def parse(content, skip_unsupported=False):
    """Parse GIFT text; ``ImportFailed`` lists every problem (and, unless ``skip_unsupported``, every
    unsupported question). Returns a ``ParseResult``."""
    questions, problems, category = [], [], None  # problems: (where, reason, unsupported), in file order
    for start, lines, comments in _blocks(content.lstrip("\ufeff")):
        text = "\n".join(lines).strip()
        if not text:
            continue
        if text.startswith("$CATEGORY:"):
            category = clean_category_path((text[len("$CATEGORY:") :].splitlines() or [""])[0])
            if not category:
                problems.append((_("line %(line)s") % {"line": start}, _("$CATEGORY: names no category"), False))
            rest = "\n".join(text.splitlines()[1:]).strip()
            if not rest:
                continue
            text, start = rest, start + 1
        try:
            question = _read_question(protect(text), start, category, comments)
        except GiftError as error:
            where = _("line %(line)s") % {"line": start + error.line_offset}
            problems.append((where, error.reason, error.unsupported))
            continue
        problems.extend((question.where, problem, False) for problem in check_question(question))
        questions.append(question)
    return finish(questions, problems, skip_unsupported, _("line %(line)s") % {"line": 1})


def _read_question(text, start, category, comments):
    name = ""
    if text.startswith("::"):
        text = text[2:]
        end = text.find("::")
        if end >= 0:  # Moodle reads an unclosed title as part of the text
            name, text = restore(text[:end]).strip(), text[end + 2 :].strip()
    opening, closing = text.find("{"), text.find("}")
    if opening < 0 and closing < 0:
        raise GiftError(
            _("a description (text without an answer block {…}): Custodia imports only questions it grades"),
            unsupported=True,
        )
    if opening < 0 or closing < 0 or closing < opening:
        raise GiftError(_("the answer block is not enclosed in { and }"), text[: max(opening, 0)].count("\n"))
    if text.find("{", closing) >= 0:
        raise GiftError(_("more than one answer block {…} in one question"), text[:closing].count("\n"))
    answers = text[opening + 1 : closing].strip()
    if text.endswith("}"):
        question_text = text[:opening] + text[closing + 1 :]
    else:  # the missing-word form: the answer block stands for a gap in the sentence
        question_text = text[:opening] + "_____" + text[closing + 1 :]
    general = ""
    separator = answers.rfind("####")
    if separator >= 0:
        general, answers = answers[separator + 4 :], answers[:separator].strip()
    value, fmt = read_text(question_text)
    question = ParsedQuestion(
        qtype="",  # set by the type that claims the answers
        text=value,
        where=_("line %(line)s") % {"line": start},
        name=name or texts.as_plain(value)[:80],
        category=category,
        general_feedback=read_text(general, fmt)[0] if general.strip() else "",
        tags=[tag.replace("\\]", "]").strip() for tag in _TAG.findall("\n".join(comments))],
    )
    if not answers:
        raise GiftError(_("an essay: Custodia imports only questions it grades"), unsupported=True)
    context = GiftContext(fmt)
    offset = text[:opening].count("\n")
    try:
        for question_type in sorted(
            (t for t in qtypes.all_types() if t.gift_order is not None), key=lambda t: t.gift_order
        ):
            if question_type.gift_claims(answers):
                question.qtype = question_type.code
                question_type.gift_read(answers, question, context)
                break
    except GiftError as error:
        error.line_offset = offset
        raise
    if pluginfile_references(question):
        raise GiftError(
            _(
                "it shows the embedded file “%(name)s”, which a GIFT file cannot carry: export these questions "
                "from Moodle as Moodle XML, which carries their images"
            )
            % {"name": pluginfile_references(question)[0]},
            offset,
            unsupported=True,
        )
    unify_formats(question)
    return question


# Writing --------------------------------------------------------------------------------------
class GiftWriter(FormatWriter):
    """Texts of an HTML question are written with the question's ``[html]`` tag (answers inherit it)."""

    def __init__(self, language):
        super().__init__(language)
        self.rich = False

    def text(self, translations):
        return escape(self.pick(translations))


def write(versions, language="en"):
    """GIFT text for question snapshots (``QuestionVersion.data``, with ``category`` added)."""
    writer = GiftWriter(language)
    out, category = [], None
    for data in versions:
        if data.get("category") and data["category"] != category:
            category = data["category"]
            out.append(f"$CATEGORY: $course$/top/{category}\n")
        question_type = qtypes.of(data)
        writer.rich = data.get("format") == texts.HTML
        answers = question_type.gift_write(data, writer)
        if answers is None:
            out.append(f"// “{data['name']}”: GIFT has no {question_type.code} questions; export it as Moodle XML\n")
            continue
        head = "[html]" if writer.rich else ""
        block = f"::{escape(data['name'])}::{head}{writer.text(data['text'])}{{{answers}"
        if writer.pick(data.get("general_feedback")):
            block += f"\n  ####{writer.text(data['general_feedback'])}"
        out.append(block + "\n}\n")
    return "\n".join(out)
