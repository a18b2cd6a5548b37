"""What every question type shares: the plug-in contract, grades, and reading what officers type.

Nothing here touches the database: a type grades a snapshot (``QuestionVersion.data``) and a
response, so every rule is tested directly and a regrade is a replay.
"""

import fnmatch
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO, ONE = Decimal(0), Decimal(1)
FRACTION_PLACES = Decimal("0.0000001")
SNAP = Decimal("0.00001")  # authors' thirds (33.33333%) add up to a full mark
MAX_TEXT = 500


@dataclass
class Grade:
    fraction: Decimal  # 0..1
    state: str  # "correct", "partial", "incorrect" or "unanswered"
    feedback_choices: list = field(default_factory=list)  # ids of the choices whose feedback applies
    parts: dict = field(default_factory=dict)  # per-part correctness (matching, blanks, multiple)


def clamp(value):
    value = max(ZERO, min(ONE, Decimal(value)))
    if ONE - value <= SNAP:
        value = ONE
    return value.quantize(FRACTION_PLACES, rounding=ROUND_HALF_UP)


def state_of(fraction):
    if fraction >= ONE:
        return "correct"
    if fraction > ZERO:
        return "partial"
    return "incorrect"


def graded(fraction, feedback_choices=(), parts=None):
    fraction = clamp(fraction)
    return Grade(fraction, state_of(fraction), list(feedback_choices), parts or {})


def choices_by_id(data):
    return {choice["id"]: choice for choice in data["choices"]}


def credit(choice):
    return Decimal(choice["fraction"])


def as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def first_value(raw):
    """A form sends lists; JSON may send a scalar."""
    return raw[0] if isinstance(raw, list) and raw else raw


# Languages ---------------------------------------------------------------------------------------
def in_language(translations, language):
    """A snapshot's ``{language code: text}`` in ``language``, else in English, else empty."""
    return (translations or {}).get(language) or (translations or {}).get("en") or ""


def pick(translations, language):
    """Like ``in_language``, falling back to any language the snapshot has."""
    translations = translations or {}
    return translations.get(language) or translations.get("en") or next(iter(translations.values()), "")


def all_texts(translations):
    return [value for value in (translations or {}).values() if value]


# Text and digits ---------------------------------------------------------------------------------
_SPACES = re.compile(r"\s+")


def ascii_digits(text):
    """Unicode decimal digits (Arabic-Indic, Persian, Devanagari, full-width…) as ASCII digits;
    the Arabic decimal separator as "."; the Arabic thousands separator dropped."""
    out = []
    for char in str(text):
        if char == "\u066b":  # ARABIC DECIMAL SEPARATOR
            out.append(".")
        elif char == "\u066c":  # ARABIC THOUSANDS SEPARATOR
            continue
        elif not char.isascii() and unicodedata.decimal(char, None) is not None:
            out.append(str(unicodedata.decimal(char)))
        else:
            out.append(char)
    return "".join(out).replace("\u2212", "-")  # MINUS SIGN


def normalise_text(text, case_sensitive=False):
    """NFKC, native digits as ASCII, trimmed, inner whitespace collapsed; case folded unless case-sensitive."""
    text = ascii_digits(unicodedata.normalize("NFKC", str(text or "")))
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


def best_text_match(choices, response, case_sensitive):
    """The choice with the highest credit whose text (in any language) accepts ``response``."""
    best = None
    for choice in choices:
        if any(text_matches(response, text, case_sensitive) for text in all_texts(choice["text"])):  # noqa: SIM102
            if best is None or credit(choice) > credit(best):
                best = choice
    return best


def clean_text(raw, limit=MAX_TEXT):
    value = first_value(raw)
    if not isinstance(value, str | int | float):
        return None
    value = str(value)[:limit]
    return value if value.strip() else None


# The plug-in contract ----------------------------------------------------------------------------
class QuestionType:
    """One question type: how officers answer it, how it is graded and shown, how files carry it.

    Subclasses set the attributes and override what differs; ``assessments.qtypes`` registers
    each once. ``data`` is always a question snapshot (``QuestionVersion.data``).
    """

    code = ""  # stored in Question.qtype and in the snapshot's "type"
    label = ""
    xapi_interaction = "other"  # cmi.interaction type of the "answered" statements
    shuffles_options = False  # options shown in a random order when the quiz and the question allow it
    choices_have_text = True  # every answer row carries text (demo data checks it in six languages)
    needs_full_credit = True  # at least one answer must give 100%
    uses_blanks = False  # has QuestionBlank rows (loaded with the snapshot)
    rich_choices = True  # answer texts follow the question's format (False: they are matched against typing)
    moodle_grades = True  # Moodle checks its answers' grades against its allowed set on import

    @property
    def template(self):
        return f"assessments/qtypes/{self.code}.html"

    @property
    def answer_template(self):
        """The officer's answer in the review."""
        return f"assessments/qtypes/{self.code}_answer.html"

    # Attempts ------------------------------------------------------------------------------
    def option_order(self, data, shuffle, rng):
        ids = [choice["id"] for choice in data["choices"]]
        if self.shuffles_options and shuffle and data.get("shuffle", True):
            rng.shuffle(ids)
        return ids

    def response_from_post(self, data, post, key):
        """The raw response in a submitted form (field names start with ``key``, e.g. ``q3``)."""
        return post.get(key, "")

    def clean_response(self, data, raw):
        """The stored shape of what the browser sent; None for "no answer". Never raises."""
        raise NotImplementedError

    def present(self, view, data, item, language):
        """Add to ``view`` what the templates need (never credits, feedback or answers)."""

    def response_problem(self, data, response):
        """What the officer should fix in a saved answer (e.g. "not read as a number"), or ""; never a hint
        about correctness."""
        return ""

    # Grading --------------------------------------------------------------------------------
    def grade(self, data, response):
        raise NotImplementedError

    def correct_response_text(self, data, language):
        raise NotImplementedError

    # Analysis -------------------------------------------------------------------------------
    def option_tally(self, data, responses):
        """``[(option text, times chosen, gives credit)]`` for the item analysis; empty when not meaningful."""
        return []

    # Import ---------------------------------------------------------------------------------
    def check(self, question):
        """Problems with a parsed question of this type (``formats.common.ParsedQuestion``)."""
        problems = []
        if self.needs_full_credit and not any(c.fraction >= 1 for c in question.choices):
            problems.append("no answer gives full credit (100%)")
        return problems

    def choice_texts(self, parsed_choice, language):
        """``{language code: text}`` of an imported answer row."""
        return {language: parsed_choice.text}

    # GIFT (None: GIFT cannot carry this type) -------------------------------------------------
    gift_order = None  # the position of this type in GIFT's syntax detection

    def gift_claims(self, answers):
        return False

    def gift_read(self, answers, question, reader):
        raise NotImplementedError

    def gift_write(self, data, writer):
        """The inside of the answer block ``{…}``, or None when GIFT cannot express this question."""
        return None

    # Moodle XML -------------------------------------------------------------------------------
    moodle_xml_type = ""  # the type="…" written
    moodle_xml_reads = ()  # the type="…" values read (``xml_claims`` decides between types sharing one)

    def xml_claims(self, element):
        return True

    def xml_read(self, element, question, reader):
        raise NotImplementedError

    def xml_write(self, data, element, writer):
        raise NotImplementedError

    def xml_question_text(self, data, translations, writer):
        """The question text (``{language: text}``) as written in ``<questiontext>``."""
        return translations

    def xml_text_format(self, data, writer):
        """The Moodle format name the question text is written in."""
        return writer.format

    # Texts ----------------------------------------------------------------------------------------
    @staticmethod
    def is_rich(data):
        return data.get("format") == "html"

    def plain(self, data, text):
        """A text of the snapshot where only plain text fits (correct answers, select options, analysis)."""
        from assessments.formats.texts import html_to_text

        return html_to_text(text) if self.is_rich(data) else (text or "")

    def inline(self, data, text):
        """A short text (an option, an item) for a template: sanitised HTML, or escaped plain text."""
        return shown(data, text, block=False)


def shown(data, text, block=True):
    """A snapshot text ready for a template: sanitised HTML when the question is HTML, else escaped plain
    text (``block``: paragraphs and line breaks kept)."""
    from django.template.defaultfilters import linebreaks_filter, linebreaksbr
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    from core.html import sanitize_html

    if data.get("format") == "html":
        return mark_safe(sanitize_html(text, media=True))  # noqa: S308 - sanitised just here
    return linebreaks_filter(text or "", autoescape=True) if block else linebreaksbr(conditional_escape(text or ""))


def parse_decimal(text):
    try:
        return Decimal(text)
    except (InvalidOperation, TypeError, ValueError):
        return None
