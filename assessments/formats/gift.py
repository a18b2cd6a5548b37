"""GIFT (Moodle's plain-text question format): a parser and a writer written for Custodia.

Supported: ``::title::``, ``[html]``/``[plain]``/``[moodle]``/``[markdown]`` prefixes, ``//`` comments,
``$CATEGORY: path``, single choice (``=right ~wrong``), weights (``~%50%``, ``~%-100%``) and
multiple response (no ``=``, positive weights), true/false (``{T}``, ``{FALSE#wrong#right}``),
short answer (``=a =b``), numeric (``{#3.5:0.1}``, ``{#1..5}``, ``{#=3.5:0.1 =%50%3:1}``),
matching (``=a -> b``), missing word (an answer block inside the text), per-answer feedback
(``#...``), general feedback (``####...``) and the escapes ``\\~ \\= \\# \\{ \\} \\: \\\\ \\n``.
Essays and descriptions are refused (Custodia grades on the server).
"""

import re
from decimal import Decimal, InvalidOperation
from functools import partial

from assessments.formats.common import (
    ImportFailed,
    ParsedChoice,
    ParsedQuestion,
    check_question,
    clean_category_path,
    html_to_text,
)
from assessments.grading import in_language

SPECIAL = "~=#{}:"
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_FORMAT = re.compile(r"^\[(html|plain|moodle|markdown)\]", re.IGNORECASE)


class _Error(Exception):
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


def _find_unescaped(text, char, start=0):
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == char:
            return i
        i += 1
    return -1


def _split_unescaped(text, markers):
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


def _weight(segment):
    match = _WEIGHT.match(segment.strip())
    if not match:
        return None, segment.strip()
    try:
        return Decimal(match.group(1)) / 100, segment.strip()[match.end() :]
    except InvalidOperation as error:  # pragma: no cover - the regex admits numbers only
        raise _Error(f"bad weight “{match.group(0)}”") from error


def _answer_and_feedback(segment):
    cut = _find_unescaped(segment, "#")
    if cut < 0:
        return segment, ""
    return segment[:cut], unescape(segment[cut + 1 :])


def _number(text):
    try:
        return Decimal(text.strip())
    except InvalidOperation as error:
        raise _Error(f"“{text.strip()}” is not a number") from error


def _numeric_answer(text):
    text = unescape(text)
    if ".." in text:
        low, high = (_number(part) for part in text.split("..", 1))
        if low > high:
            raise _Error(f"the range {text} runs backwards")
        return (low + high) / 2, (high - low) / 2
    if ":" in text:
        value, tolerance = text.split(":", 1)
        return _number(value), abs(_number(tolerance))
    return _number(text), Decimal(0)


def _parse_answers(body, question):
    """Fill ``question`` from the content of ``{...}``."""
    general = _find_general_feedback(body)
    if general is not None:
        body, question.general_feedback = body[: general[0]], unescape(body[general[1] :])
    stripped = body.strip()
    if not stripped:
        raise _Error("essay questions are not supported: Custodia grades every answer on the server")
    if stripped.startswith("#"):
        return _parse_numeric(stripped[1:], question)
    head, feedback_tail = stripped, ""
    cut = _find_unescaped(stripped, "#")
    if cut >= 0:
        head, feedback_tail = stripped[:cut], stripped[cut:]
    if head.strip().upper() in ("T", "TRUE", "F", "FALSE"):
        truth = head.strip().upper().startswith("T")
        feedbacks = [unescape(part) for _m, part in _split_unescaped(feedback_tail, "#")[1:]]
        wrong_fb = feedbacks[0] if feedbacks else ""
        right_fb = feedbacks[1] if len(feedbacks) > 1 else ""
        question.qtype = "truefalse"
        question.choices = [
            ParsedChoice("True", Decimal(1 if truth else 0), right_fb if truth else wrong_fb),
            ParsedChoice("False", Decimal(0 if truth else 1), wrong_fb if truth else right_fb),
        ]
        return
    parts = [(m, s) for m, s in _split_unescaped(stripped, "=~") if m or s.strip()]
    if parts and not parts[0][0]:
        raise _Error(f"unexpected text “{unescape(parts[0][1])}” before the first = or ~ answer")
    markers = {marker for marker, _ in parts}
    is_matching = any(_find_arrow(segment) >= 0 for marker, segment in parts if marker == "=")
    if is_matching:
        question.qtype = "matching"
        for marker, segment in parts:
            if marker != "=":
                raise _Error("a matching question takes only = pairs")
            arrow = _find_arrow(segment)
            if arrow < 0:
                raise _Error(f"the pair “{unescape(segment)}” has no ->")
            question.choices.append(
                ParsedChoice(text=unescape(segment[:arrow]), match_text=unescape(segment[arrow + 2 :]))
            )
        return
    if markers == {"="}:
        question.qtype = "short"
        for _marker, segment in parts:
            weight, rest = _weight(segment)
            answer, feedback = _answer_and_feedback(rest)
            question.choices.append(ParsedChoice(unescape(answer), Decimal(1) if weight is None else weight, feedback))
        return
    for marker, segment in parts:
        weight, rest = _weight(segment)
        answer, feedback = _answer_and_feedback(rest)
        fraction = weight if weight is not None else Decimal(1 if marker == "=" else 0)
        question.choices.append(ParsedChoice(unescape(answer), fraction, feedback))
    has_right = "=" in markers
    question.qtype = "single" if has_right else "multiple"
    if (
        not has_right
        and sum(1 for c in question.choices if c.fraction > 0) == 1
        and any(c.fraction >= 1 for c in question.choices)
    ):
        question.qtype = "single"


def _find_arrow(segment):
    i = 0
    while i < len(segment) - 1:
        if segment[i] == "\\":
            i += 2
            continue
        if segment[i : i + 2] == "->":
            return i
        i += 1
    return -1


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


def _parse_numeric(body, question):
    question.qtype = "numeric"
    parts = [(m, s) for m, s in _split_unescaped(body, "=~") if m or s.strip()]
    if len(parts) == 1 and not parts[0][0]:
        answer, feedback = _answer_and_feedback(parts[0][1])
        value, tolerance = _numeric_answer(answer)
        question.choices.append(ParsedChoice("", Decimal(1), feedback, value=value, tolerance=tolerance))
        return
    for marker, segment in parts:
        if not marker:
            raise _Error(f"unexpected “{unescape(segment)}” in a numeric answer")
        weight, rest = _weight(segment)
        answer, feedback = _answer_and_feedback(rest)
        if marker == "~":  # a wrong-answer feedback catch-all, nothing to grade
            continue
        value, tolerance = _numeric_answer(answer)
        fraction = Decimal(1) if weight is None else weight
        question.choices.append(ParsedChoice("", fraction, feedback, value=value, tolerance=tolerance))


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
        except _Error as error:
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
            raise _Error("the title opened with :: is never closed")
        name, text = unescape(text[2:end]), text[end + 2 :].strip()
    is_html = False
    match = _FORMAT.match(text)
    if match:
        is_html = match.group(1).lower() in ("html", "moodle")
        text = text[match.end() :].strip()
    opening = _find_unescaped(text, "{")
    if opening < 0:
        raise _Error("no answer block {…}: descriptions are not supported")
    closing = _find_unescaped(text, "}", opening + 1)
    if closing < 0:
        raise _Error("the answer block { is never closed by }", text[:opening].count("\n"))
    if _find_unescaped(text, "{", closing + 1) >= 0:
        raise _Error("more than one answer block {…} in one question", text[:closing].count("\n"))
    before, body, after = text[:opening], text[opening + 1 : closing], text[closing + 1 :]
    question_text = unescape(before)
    if after.strip():  # missing-word format: the answer block stands for a gap in the sentence
        question_text = f"{question_text} _____ {unescape(after)}".strip()
    if is_html:
        question_text = html_to_text(question_text)
    question = ParsedQuestion(
        qtype="single",
        text=question_text,
        where=f"line {start}",
        name=name or question_text[:80],
        category=category,
    )
    try:
        _parse_answers(body, question)
    except _Error as error:
        error.line_offset = text[:opening].count("\n")
        raise
    return question


# Writing --------------------------------------------------------------------------------------
def _weight_text(fraction, default):
    fraction = Decimal(fraction)
    if fraction == default:
        return ""
    return f"%{(fraction * 100).normalize():f}%"


def _feedback(choice):
    return f"#{escape(choice['feedback'].get('en', ''))}" if choice["feedback"].get("en") else ""


def write(versions, language="en"):
    """GIFT text for question snapshots (``QuestionVersion.data``, with ``category`` added)."""

    pick = partial(in_language, language=language)

    out, category = [], None
    for data in versions:
        if data.get("category") and data["category"] != category:
            category = data["category"]
            out.append(f"$CATEGORY: $course$/top/{category}\n")
        qtype = data["type"]
        if qtype not in ("truefalse", "single", "multiple", "short", "numeric", "matching"):
            out.append(f"// “{data['name']}”: GIFT has no {qtype} questions; export it as Moodle XML\n")
            continue
        lines = [f"::{escape(data['name'])}::{escape(pick(data['text']))} {{"]
        if qtype == "truefalse":
            true_choice = next(c for c in data["choices"] if pick(c["text"]).lower().startswith(("t", "v")))
            lines = [lines[0] + ("T" if Decimal(true_choice["fraction"]) >= 1 else "F")]
        elif qtype in ("single", "multiple", "short"):
            for choice in data["choices"]:
                fraction = Decimal(choice["fraction"])
                if qtype == "short":
                    lines.append(f"  ={_weight_text(fraction, 1)}{escape(pick(choice['text']))}{_feedback(choice)}")
                elif qtype == "single" and fraction >= 1:
                    lines.append(f"  ={escape(pick(choice['text']))}{_feedback(choice)}")
                else:
                    weight = _weight_text(fraction, 0)
                    lines.append(f"  ~{weight}{escape(pick(choice['text']))}{_feedback(choice)}")
        elif qtype == "numeric":
            lines[0] += "#"
            for choice in data["choices"]:
                tolerance = Decimal(choice["tolerance"]).normalize()
                value = Decimal(choice["value"]).normalize()
                weight = _weight_text(choice["fraction"], 1)
                lines.append(f"  ={weight}{value:f}:{tolerance:f}{_feedback(choice)}")
        else:
            for choice in data["choices"]:
                if pick(choice["text"]):
                    lines.append(f"  ={escape(pick(choice['text']))} -> {escape(pick(choice['match']))}")
        if pick(data.get("general_feedback")):
            lines.append(f"  ####{escape(pick(data['general_feedback']))}")
        lines.append("}")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)
