"""GIFT (Moodle's plain-text question format): a reader and a writer written for Custodia.

The reader splits the file into question blocks and handles what every question shares
(``::title::``, format prefixes, comments, ``$CATEGORY:``, general feedback ``####``, the
missing-word form); which type an answer block ``{…}`` is, and how its answers read, is decided by
the question types (``assessments.qtypes``) in their ``gift_order``. Essays and descriptions are
refused (Custodia grades on the server).
"""

import re

from assessments import qtypes
from assessments.formats.common import (
    FormatWriter,
    ImportFailed,
    ParsedQuestion,
    check_question,
    clean_category_path,
    html_to_text,
)
from assessments.formats.gift_syntax import GiftError, answer_parts, escape, find_unescaped, unescape

_FORMAT = re.compile(r"^\[(html|plain|moodle|markdown)\]", re.IGNORECASE)


def _blocks(content):
    """Question blocks (separated by blank lines) with their first line number; comments removed."""
    block, start = [], None
    for number, line in enumerate(content.splitlines(), start=1):
        if line.strip().startswith("//"):
            continue
        if not line.strip():
            if block:
                yield start, block
            block, start = [], None
            continue
        if start is None:
            start = number
        block.append(line)
    if block:
        yield start, block


def _find_general_feedback(body):
    i = 0
    while i < len(body):
        if body[i] == "\\":
            i += 2
            continue
        if body.startswith("####", i):
            return i, i + 4
        i += 1
    return None


def _gift_types():
    return sorted((t for t in qtypes.all_types() if t.gift_order is not None), key=lambda t: t.gift_order)


def _parse_answers(body, question):
    """Fill ``question`` from the content of ``{...}``: the first type that claims the answers reads them."""
    general = _find_general_feedback(body)
    if general is not None:
        body, question.general_feedback = body[: general[0]], unescape(body[general[1] :])
    answers = body.strip()
    if not answers:
        raise GiftError("essay questions are not supported: Custodia grades every answer on the server")
    for question_type in _gift_types():
        if question_type.gift_claims(answers):
            question.qtype = question_type.code
            question_type.gift_read(answers, question, None)
            return
    parts = answer_parts(answers)
    if parts and not parts[0][0]:
        raise GiftError(f"unexpected text “{unescape(parts[0][1])}” before the first = or ~ answer")
    raise GiftError("the answers match no question type")


def parse(content):
    """Parse GIFT text into ``ParsedQuestion`` objects; ``ImportFailed`` lists every problem."""
    questions, errors, category = [], [], None
    for start, lines in _blocks(content.lstrip("\ufeff")):
        text = "\n".join(lines).strip()
        if text.startswith("$CATEGORY:"):
            category = clean_category_path((text[len("$CATEGORY:") :].strip().splitlines() or [""])[0])
            if not category:
                errors.append((f"line {start}", "$CATEGORY: names no category"))
            rest = "\n".join(text.splitlines()[1:]).strip()
            if not rest:
                continue
            text, start = rest, start + 1
        try:
            question = _parse_block(text, start, category)
        except GiftError as error:
            errors.append((f"line {start + error.line_offset}", error.reason))
            continue
        problems = check_question(question)
        errors.extend((question.where, problem) for problem in problems)
        questions.append(question)
    if errors:
        raise ImportFailed(errors)
    if not questions:
        raise ImportFailed([("line 1", "the file contains no questions")])
    return questions


def _parse_block(text, start, category):
    name = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        while end > 0 and text[end - 1] == "\\":
            end = text.find("::", end + 1)
        if end < 0:
            raise GiftError("the title opened with :: is never closed")
        name, text = unescape(text[2:end]), text[end + 2 :].strip()
    is_html = False
    match = _FORMAT.match(text)
    if match:
        is_html = match.group(1).lower() in ("html", "moodle")
        text = text[match.end() :].strip()
    opening = find_unescaped(text, "{")
    if opening < 0:
        raise GiftError("no answer block {…}: descriptions are not supported")
    closing = find_unescaped(text, "}", opening + 1)
    if closing < 0:
        raise GiftError("the answer block { is never closed by }", text[:opening].count("\n"))
    if find_unescaped(text, "{", closing + 1) >= 0:
        raise GiftError("more than one answer block {…} in one question", text[:closing].count("\n"))
    before, body, after = text[:opening], text[opening + 1 : closing], text[closing + 1 :]
    question_text = unescape(before)
    if after.strip():  # missing-word format: the answer block stands for a gap in the sentence
        question_text = f"{question_text} _____ {unescape(after)}".strip()
    if is_html:
        question_text = html_to_text(question_text)
    question = ParsedQuestion(
        qtype="",  # set by the type that claims the answers
        text=question_text,
        where=f"line {start}",
        name=name or question_text[:80],
        category=category,
    )
    try:
        _parse_answers(body, question)
    except GiftError as error:
        error.line_offset = text[:opening].count("\n")
        raise
    return question


# Writing --------------------------------------------------------------------------------------
def write(versions, language="en"):
    """GIFT text for question snapshots (``QuestionVersion.data``, with ``category`` added)."""
    writer = FormatWriter(language)
    out, category = [], None
    for data in versions:
        if data.get("category") and data["category"] != category:
            category = data["category"]
            out.append(f"$CATEGORY: $course$/top/{category}\n")
        question_type = qtypes.of(data)
        answers = question_type.gift_write(data, writer)
        if answers is None:
            out.append(f"// “{data['name']}”: GIFT has no {question_type.code} questions; export it as Moodle XML\n")
            continue
        block = f"::{escape(data['name'])}::{escape(writer.pick(data['text']))} {{{answers}"
        if writer.pick(data.get("general_feedback")):
            block += f"\n  ####{escape(writer.pick(data['general_feedback']))}"
        out.append(block + "\n}\n")
    return "\n".join(out)
