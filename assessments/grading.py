"""Grading: pure functions of a question snapshot (``QuestionVersion.data``) and a response.

No database access here, so every rule is tested directly and a regrade is a replay.

Responses, as stored in ``AttemptItem.response`` (after ``clean_response``):

* single, true/false: a choice id;
* multiple: a sorted list of choice ids;
* numeric, short: the text typed;
* matching: ``{"<left choice id>": <right choice id>}``;
* ordering: the list of choice ids in the order given;
* blanks: ``{"<blank number>": "text typed"}``.
"""

import fnmatch
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial

ZERO, ONE = Decimal(0), Decimal(1)
FRACTION_PLACES = Decimal("0.0000001")


@dataclass
class Grade:
    fraction: Decimal  # 0..1
    state: str  # "correct", "partial", "incorrect" or "unanswered"
    feedback_choices: list = field(default_factory=list)  # ids of the choices whose feedback applies
    parts: dict = field(default_factory=dict)  # per-part correctness (matching, blanks, multiple)


SNAP = Decimal("0.00001")  # authors' thirds (33.33333%) add up to a full mark


def _clamp(value):
    value = max(ZERO, min(ONE, Decimal(value)))
    if ONE - value <= SNAP:
        value = ONE
    return value.quantize(FRACTION_PLACES, rounding=ROUND_HALF_UP)


def _state(fraction):
    if fraction >= ONE:
        return "correct"
    if fraction > ZERO:
        return "partial"
    return "incorrect"


def _choices(data):
    return {choice["id"]: choice for choice in data["choices"]}


def _frac(choice):
    return Decimal(choice["fraction"])


# Text normalisation ------------------------------------------------------------------------
_SPACES = re.compile(r"\s+")


def normalise_text(text, case_sensitive=False):
    """NFKC, trimmed, inner whitespace collapsed to one space; case folded unless case-sensitive."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = _SPACES.sub(" ", text).strip()
    return text if case_sensitive else text.casefold()


def text_matches(response, accepted, case_sensitive=False):
    """``accepted`` may use ``*`` for any run of characters (as Moodle's short answer does)."""
    given = normalise_text(response, case_sensitive)
    pattern = normalise_text(accepted, case_sensitive)
    if not given or not pattern:
        return False
    if "*" in pattern:
        regex = fnmatch.translate(pattern.replace("[", "[[]").replace("?", "[?]"))
        return re.match(regex, given, flags=re.DOTALL) is not None
    return given == pattern


def _all_texts(translations):
    return [value for value in (translations or {}).values() if value]


# Numbers and units -------------------------------------------------------------------------
def parse_units(spec):
    """``"GB 1\\nMB 1024"`` -> ``[("GB", Decimal(1)), ("MB", Decimal(1024))]``; ValueError when malformed."""
    units = []
    for number, line in enumerate((spec or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = line.rsplit(None, 1)
        if len(parts) != 2:
            raise ValueError(f"line {number}: expected a unit and its multiplier, e.g. “MB 1024”")
        try:
            multiplier = Decimal(parts[1].replace(",", "."))
        except InvalidOperation as error:
            raise ValueError(f"line {number}: “{parts[1]}” is not a number") from error
        if multiplier <= 0:
            raise ValueError(f"line {number}: the multiplier must be positive")
        units.append((parts[0].strip(), multiplier))
    return units


_NUMBER = re.compile(r"^\s*([+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?)\s*(.*?)\s*$")


def _ascii_digits(text):
    """Arabic-Indic and other Unicode decimal digits -> ASCII; Arabic decimal separator -> '.'."""
    out = []
    for char in str(text):
        if char == "\u066b":  # ARABIC DECIMAL SEPARATOR
            out.append(".")
        elif char == "\u066c":  # ARABIC THOUSANDS SEPARATOR
            continue
        elif char.isdigit() and not char.isascii():
            out.append(str(unicodedata.digit(char)))
        else:
            out.append(char)
    return "".join(out).replace("\u2212", "-")  # MINUS SIGN


def parse_number(text, units=(), unit_required=False):
    """The response as a number in the base unit, or None. Accepts a comma as decimal separator."""
    text = _ascii_digits(unicodedata.normalize("NFKC", str(text or ""))).strip()
    if not text:
        return None
    match = _NUMBER.match(text)
    if not match:
        return None
    number_text, unit_text = match.group(1), match.group(2)
    if "," in number_text and "." not in number_text:
        number_text = number_text.replace(",", ".")
    elif "," in number_text:
        return None
    try:
        value = Decimal(number_text)
    except InvalidOperation:
        return None
    if unit_text:
        for unit, multiplier in units:
            if unit_text == unit or unit_text.casefold() == unit.casefold():
                return value / multiplier
        return None  # an unknown unit is wrong, not ignored
    if unit_required and units:
        return None
    return value


# Per-type graders -------------------------------------------------------------------------
def grade_single(data, response):
    choice = _choices(data).get(response)
    if choice is None:
        return Grade(ZERO, "unanswered" if response is None else "incorrect")
    fraction = _clamp(_frac(choice))
    return Grade(fraction, _state(fraction), [choice["id"]])


def grade_multiple(data, response):
    if not response:
        return Grade(ZERO, "unanswered")
    choices = _choices(data)
    selected = [choices[cid] for cid in response if cid in choices]
    parts = {str(cid): _frac(choice) > 0 for cid, choice in choices.items() if cid in response}
    if data.get("scoring") == "all":
        wanted = {cid for cid, choice in choices.items() if _frac(choice) > 0}
        fraction = ONE if set(response) == wanted else ZERO
    else:
        # Sum of the chosen options' credits (negative ones are penalties), kept within 0..1.
        fraction = sum((_frac(choice) for choice in selected), ZERO)
    fraction = _clamp(fraction)
    return Grade(fraction, _state(fraction), [choice["id"] for choice in selected], parts)


def grade_short(data, response):
    if not normalise_text(response):
        return Grade(ZERO, "unanswered")
    case_sensitive = data.get("case_sensitive", False)
    best = None
    for choice in data["choices"]:
        if any(text_matches(response, text, case_sensitive) for text in _all_texts(choice["text"])):  # noqa: SIM102
            if best is None or _frac(choice) > _frac(best):
                best = choice
    if best is None:
        return Grade(ZERO, "incorrect")
    fraction = _clamp(_frac(best))
    return Grade(fraction, _state(fraction), [best["id"]])


def grade_numeric(data, response):
    if not str(response or "").strip():
        return Grade(ZERO, "unanswered")
    units = parse_units(data.get("units", ""))
    value = parse_number(response, units, data.get("unit_handling") == "required")
    if value is None:
        return Grade(ZERO, "incorrect")
    best = None
    for choice in data["choices"]:
        if choice.get("value") is None:
            continue
        target, tolerance = Decimal(choice["value"]), abs(Decimal(choice.get("tolerance") or 0))
        if abs(value - target) <= tolerance and (best is None or _frac(choice) > _frac(best)):
            best = choice
    if best is None:
        return Grade(ZERO, "incorrect")
    fraction = _clamp(_frac(best))
    return Grade(fraction, _state(fraction), [best["id"]])


def matching_pairs(data):
    """Left items (choices with text) and the distinct right-hand options (by their text, English first)."""
    lefts = [choice for choice in data["choices"] if _all_texts(choice["text"])]
    rights, seen = [], {}
    for choice in data["choices"]:
        key = _match_key(choice)
        if key and key not in seen:
            seen[key] = choice["id"]
            rights.append(choice)
    return lefts, rights


def _match_key(choice):
    match = choice.get("match") or {}
    return normalise_text(match.get("en") or next(iter(match.values()), ""))


def grade_matching(data, response):
    lefts, _rights = matching_pairs(data)
    if not response or not lefts:
        return Grade(ZERO, "unanswered")
    choices = _choices(data)
    parts = {}
    for left in lefts:
        chosen = choices.get(_as_int(response.get(str(left["id"]))))
        parts[str(left["id"])] = chosen is not None and _match_key(chosen) == _match_key(left)
    fraction = _clamp(Decimal(sum(parts.values())) / Decimal(len(lefts)))
    return Grade(fraction, _state(fraction), [], parts)


def grade_ordering(data, response):
    correct = [choice["id"] for choice in data["choices"]]
    if not response or len(correct) < 2:
        return Grade(ZERO, "unanswered")
    if list(response) == correct:
        return Grade(ONE, "correct")
    if data.get("scoring") == "all" or sorted(response) != sorted(correct):
        return Grade(ZERO, "incorrect")
    # Partial credit: the share of item pairs given in the right relative order.
    rank = {cid: index for index, cid in enumerate(correct)}
    given = [rank[cid] for cid in response]
    pairs = len(given) * (len(given) - 1) // 2
    right = sum(1 for i in range(len(given)) for j in range(i + 1, len(given)) if given[i] < given[j])
    fraction = _clamp(Decimal(right) / Decimal(pairs))
    return Grade(fraction, _state(fraction))


BLANK_MARKER = re.compile(r"\[\[(\d+)\]\]")


def blank_numbers(data):
    numbers = sorted({choice["blank"] for choice in data["choices"] if choice.get("blank")})
    return numbers


def grade_blanks(data, response):
    numbers = blank_numbers(data)
    if not response or not numbers or not any(normalise_text(v) for v in response.values()):
        return Grade(ZERO, "unanswered")
    case_sensitive = data.get("case_sensitive", False)
    total, parts, feedback = ZERO, {}, []
    for number in numbers:
        given = response.get(str(number), "")
        best = None
        for choice in data["choices"]:
            if choice.get("blank") != number:
                continue
            if any(text_matches(given, text, case_sensitive) for text in _all_texts(choice["text"])):  # noqa: SIM102
                if best is None or _frac(choice) > _frac(best):
                    best = choice
        credit = _clamp(_frac(best)) if best else ZERO
        parts[str(number)] = credit >= ONE
        total += credit
        if best:
            feedback.append(best["id"])
    fraction = _clamp(total / Decimal(len(numbers)))
    return Grade(fraction, _state(fraction), feedback, parts)


GRADERS = {
    "single": grade_single,
    "truefalse": grade_single,
    "multiple": grade_multiple,
    "short": grade_short,
    "numeric": grade_numeric,
    "matching": grade_matching,
    "ordering": grade_ordering,
    "blanks": grade_blanks,
}


def grade(data, response):
    """Grade ``response`` (already cleaned) against the snapshot ``data``."""
    if response is None:
        return Grade(ZERO, "unanswered")
    return GRADERS[data["type"]](data, response)


# Cleaning what the browser sent -------------------------------------------------------------
def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


MAX_TEXT = 500


def clean_response(data, raw):
    """Turn what a form or the autosave sent into the stored shape; anything unknown is dropped.

    Returns None for "no answer". Never raises on hostile input.
    """
    qtype = data["type"]
    ids = {choice["id"] for choice in data["choices"]}
    if raw is None:
        return None
    if qtype in ("single", "truefalse"):
        value = _as_int(raw[0] if isinstance(raw, list) and raw else raw)
        return value if value in ids else None
    if qtype == "multiple":
        values = raw if isinstance(raw, list) else [raw]
        chosen = sorted({v for v in (_as_int(x) for x in values) if v in ids})
        return chosen or None
    if qtype in ("short", "numeric"):
        value = raw[0] if isinstance(raw, list) and raw else raw
        if not isinstance(value, str | int | float):
            return None
        value = str(value)[:MAX_TEXT]
        return value if value.strip() else None
    if qtype == "matching":
        if not isinstance(raw, dict):
            return None
        lefts, rights = matching_pairs(data)
        left_ids, right_ids = {c["id"] for c in lefts}, {c["id"] for c in rights}
        cleaned = {}
        for key, value in raw.items():
            left, right = _as_int(key), _as_int(value[0] if isinstance(value, list) and value else value)
            if left in left_ids and right in right_ids:
                cleaned[str(left)] = right
        return cleaned or None
    if qtype == "ordering":
        values = [_as_int(x) for x in (raw if isinstance(raw, list) else [])]
        if sorted(v for v in values if v is not None) != sorted(ids) or len(values) != len(ids):
            return None
        return values
    if qtype == "blanks":
        if not isinstance(raw, dict):
            return None
        numbers = {str(n) for n in blank_numbers(data)}
        cleaned = {}
        for key, value in raw.items():
            value = value[0] if isinstance(value, list) and value else value
            if str(key) in numbers and isinstance(value, str) and value.strip():
                cleaned[str(key)] = value[:MAX_TEXT]
        return cleaned or None
    return None


# Correct answers (for the review and for exports) -----------------------------------------------
def in_language(translations, language):
    """A snapshot's ``{language code: text}`` in ``language``, else in English, else empty."""
    return (translations or {}).get(language) or (translations or {}).get("en") or ""


def correct_response_text(data, language="en"):
    """A human-readable correct answer, in ``language`` where the snapshot has it."""
    pick = partial(in_language, language=language)

    qtype = data["type"]
    if qtype in ("single", "truefalse", "short"):
        best = max(data["choices"], key=_frac, default=None)
        return pick(best["text"]) if best else ""
    if qtype == "multiple":
        return "; ".join(pick(c["text"]) for c in data["choices"] if _frac(c) > 0)
    if qtype == "numeric":
        best = max((c for c in data["choices"] if c.get("value") is not None), key=_frac, default=None)
        if not best:
            return ""
        value = Decimal(best["value"]).normalize()
        tolerance = Decimal(best.get("tolerance") or 0).normalize()
        units = parse_units(data.get("units", ""))
        unit = f" {units[0][0]}" if units else ""
        return f"{value:f}{unit}" + (f" ± {tolerance:f}" if tolerance else "")
    if qtype == "matching":
        lefts, _ = matching_pairs(data)
        return "; ".join(f"{pick(c['text'])} → {pick(c['match'])}" for c in lefts)
    if qtype == "ordering":
        return " → ".join(pick(c["text"]) for c in data["choices"])
    if qtype == "blanks":
        answers = []
        for number in blank_numbers(data):
            best = max((c for c in data["choices"] if c.get("blank") == number), key=_frac)
            answers.append(f"[{number}] {pick(best['text'])}")
        return "; ".join(answers)
    return ""
