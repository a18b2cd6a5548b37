"""GIFT and Moodle XML: realistic files with the formats' quirks, malformed files, commands, round trips."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.formats import gift, moodle_xml
from assessments.formats.common import ImportFailed
from assessments.formats.importer import detect_format, export_questions, import_questions
from assessments.grading import grade
from assessments.models import Question, QuestionCategory

DATA = Path(__file__).parent / "data"


def read(name):
    return (DATA / name).read_bytes()


def by_name(questions):
    return {q.name: q for q in questions}


# GIFT -----------------------------------------------------------------------------------------
def test_gift_parses_every_supported_quirk():
    questions = by_name(gift.parse(read("evidence.gift").decode()).questions)
    assert len(questions) == 12
    hash_q = questions["Hash purpose"]
    assert hash_q.qtype == "single" and hash_q.category == "Electronic evidence/Seizure"
    assert hash_q.text_format == "html"  # [html]: the question and its answers are HTML, as in Moodle
    assert hash_q.text == "<p>What does a <b>hash value</b> of a forensic image prove?</p>"
    assert hash_q.general_feedback == "A hash is a digital fingerprint of the data."
    assert hash_q.choices[1].feedback == "No: a hash says nothing about authorship."
    assert "{isolate}" in questions["Live device"].text  # \{ \} escapes
    live = questions["Live device"]
    assert live.qtype == "truefalse" and live.choices[0].fraction == 1
    assert live.choices[1].feedback == "Isolation prevents remote wiping."  # shown for the wrong answer
    escapes = questions["Escapes"]
    assert escapes.text.endswith("a tilde (~) and an equals sign (=)?")
    assert escapes.choices[0].text == "Backslash tilde and backslash equals: \\~ and \\="
    volatile = questions["Volatile data"]
    assert volatile.qtype == "multiple"
    assert [c.fraction for c in volatile.choices] == [Decimal("0.5"), Decimal("0.5"), Decimal("-1"), 0]
    assert questions["Order of volatility"].choices[1].fraction == 1  # {FALSE}
    analysis = questions["Image size"]
    assert analysis.category == "Electronic evidence/Analysis"
    assert (analysis.choices[0].value, analysis.choices[0].tolerance) == (Decimal("3.5"), Decimal("0.1"))
    window = questions["Retention window"].choices[0]
    assert (window.value, window.tolerance) == (3, 2)  # {#1..5}
    weighted = questions["Weighted numeric"].choices
    assert [c.fraction for c in weighted] == [1, Decimal("0.5")] and weighted[1].feedback == "Close enough."
    tool = questions["Tool name"]
    assert tool.qtype == "short" and [c.fraction for c in tool.choices] == [1, 1, Decimal("0.5")]
    match = questions["Match terms"]
    assert match.qtype == "matching" and match.choices[0].match_text == "hash function"
    missing = questions["Missing word"]
    assert missing.text == "The Budapest Convention is a treaty on _____ adopted in 2001."
    assert missing.qtype == "single" and missing.choices[1].fraction == 1


def test_gift_malformed_file_lists_every_error_with_its_line():
    with pytest.raises(ImportFailed) as failure:
        gift.parse(read("malformed.gift").decode())
    assert failure.value.lines() == [
        "line 3: the answer block is not enclosed in { and }",
        "line 7: an essay: Custodia imports only questions it grades",
        "line 9: “five hundred” is not a number",
        "line 11: the positive answer weights add up to 40%, not 100%",
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Just a description.", "a description"),
        ("Two blocks {=a ~b} and {=c ~d}", "more than one answer block"),
        ("Backwards {#5..1}", "runs backwards"),
        ("Matching {=a -> b =c}", "the pair “c” has no ->"),
        ("$CATEGORY:\n\nQ {=a ~b}", "names no category"),
        ("Thirds {~%33%a ~%33%b ~%34%c}", "the grade 33% is not one Moodle allows"),
        ("", "no questions"),
    ],
)
def test_gift_rejects(text, reason):
    with pytest.raises(ImportFailed, match=reason):
        gift.parse(text)


def test_gift_reads_what_moodle_reads_where_others_refuse():
    unclosed = gift.parse("::Title never closed {=a ~b}").questions[0]  # Moodle keeps it as text
    assert (unclosed.name, unclosed.text) == ("Title never closed", "Title never closed")
    tilde_first = gift.parse("Matching {=a -> b ~c}").questions[0]  # "~" makes it multiple choice
    assert tilde_first.qtype == "single" and [c.text for c in tilde_first.choices] == ["a -> b", "c"]


# Moodle XML -----------------------------------------------------------------------------------
def test_moodle_xml_parses_types_cdata_categories_and_fractions():
    questions = by_name(moodle_xml.parse(read("evidence.xml")).questions)
    assert len(questions) == 8
    auth = questions["Authenticity & integrity"]
    assert auth.category == "Electronic evidence/Courtroom"
    assert auth.text_format == "html"  # CDATA HTML stays HTML (sanitised when saved)
    assert auth.text == "<p>Which evidence best shows that an <strong>e-mail</strong> was not altered?</p>"
    assert auth.general_feedback == "<p>Integrity is shown by hashes &amp; logs.</p>"
    assert auth.default_mark == 2 and auth.shuffle is True
    meta = questions["Sources of metadata"]
    assert meta.qtype == "multiple" and meta.shuffle is False
    assert meta.choices[0].fraction == Decimal("0.3333333") and meta.choices[3].fraction == -1
    assert questions["Best evidence"].qtype == "truefalse"
    conv = questions["Convention"]
    assert conv.category == "Electronic evidence/Numbers" and conv.case_sensitive is False
    size = questions["Image size"]
    assert [c.value for c in size.choices] == [4096, 4000, None]  # "*": feedback for any other answer
    assert (size.choices[2].text, size.choices[2].feedback) == ("*", "1 GB is 1024 MB.")
    assert size.units == "MB 1\nGB 0.0009765625"
    instruments = questions["Instruments"]
    assert [c.text for c in instruments.choices] == ["<p>Preservation order</p>", "Production order", ""]
    assert [c.text for c in questions["Seizure steps"].choices][0] == "Photograph the scene"
    cloze = questions["Cloze blanks"]
    assert cloze.qtype == "blanks" and cloze.text == "<p>A [[1]] prevents changes; a [[2]] proves integrity.</p>"
    assert [(c.blank, c.text, c.fraction) for c in cloze.choices] == [
        (1, "write blocker", 1),
        (1, "blocker", Decimal("0.5")),
        (2, "hash", 1),
    ]


def test_moodle_xml_malformed_files():
    with pytest.raises(ImportFailed) as failure:
        moodle_xml.parse(read("malformed.xml"))
    assert failure.value.lines() == [
        "<question> at line 3: no answer gives full credit (100%)",
        "<question> at line 10: questions of type “essay” are not imported: Custodia imports only questions it grades",
        "<question> at line 14: fraction=“lots” is not a number",
    ]
    with pytest.raises(ImportFailed, match=r"line 5: not well-formed XML"):
        moodle_xml.parse(read("broken.xml"))
    with pytest.raises(ImportFailed, match="DTDForbidden"):
        moodle_xml.parse(read("entities.xml"))
    with pytest.raises(ImportFailed, match="root element must be <quiz>"):
        moodle_xml.parse(b"<questions/>")


def test_format_is_told_by_the_content():
    assert detect_format(read("evidence.xml")) == "moodle_xml"
    assert detect_format("\ufeff  <?xml version='1.0'?><quiz/>") == "moodle_xml"
    assert detect_format(read("evidence.gift")) == "gift"


# Saving, commands, round trips -----------------------------------------------------------------
@pytest.mark.django_db
def test_import_saves_questions_categories_and_versions_grade_as_expected():
    created = import_questions(read("evidence.xml"), category="Judges bank").questions
    assert len(created) == 8
    courtroom = QuestionCategory.objects.get(name_en="Courtroom")
    assert courtroom.path_label == "Judges bank / Electronic evidence / Courtroom"
    meta = Question.objects.get(name="Sources of metadata")
    version = meta.current_version()
    ids = [c["id"] for c in version.data["choices"]]
    assert grade(version.data, ids[:3]).fraction == 1  # three thirds stored as 0.33333 each
    tf = Question.objects.get(name="Best evidence")
    assert [c.text_ar for c in tf.choices.all()] and tf.choices.first().text_en == "True"
    assert meta.current_version() == version  # unchanged content: same version


@pytest.mark.django_db
def test_a_malformed_file_imports_nothing():
    before = Question.objects.count(), QuestionCategory.objects.count()
    with pytest.raises(ImportFailed):
        import_questions(read("malformed.xml"))
    assert (Question.objects.count(), QuestionCategory.objects.count()) == before


@pytest.mark.django_db
def test_import_command_success_and_failure(capsys):
    call_command("import_questions", str(DATA / "evidence.gift"), "--category", "Police bank")
    assert "Imported 12 question(s) from evidence.gift (GIFT)." in capsys.readouterr().out
    assert Question.objects.filter(category__name_en="Seizure").count() == 5
    with pytest.raises(CommandError, match="rejected, nothing imported"):
        call_command("import_questions", str(DATA / "malformed.gift"))
    assert "malformed.gift: line 9: “five hundred” is not a number" in capsys.readouterr().err
    assert Question.objects.count() == 12


def test_import_command_exits_non_zero(tmp_path):
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "import_questions", str(DATA / "malformed.xml")],
        cwd=root,
        capture_output=True,
        text=True,
        env={
            "DJANGO_SETTINGS_MODULE": "elearning.settings.test",
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": "sqlite://:memory:",
        },
        check=False,
    )
    assert result.returncode == 1
    assert "essay" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["gift", "moodle_xml"])
def test_export_then_import_round_trip(fmt):
    source = "evidence.gift" if fmt == "gift" else "evidence.xml"
    originals = import_questions(read(source), category="Original").questions
    text = export_questions(originals, fmt)
    copies = import_questions(text.encode(), category="Copy").questions
    assert len(copies) == len(originals)
    for original, copy in zip(originals, copies, strict=True):
        a, b = original.snapshot(), copy.snapshot()
        assert (a["type"], a["text"]["en"], a["units"]) == (b["type"], b["text"]["en"], b["units"])
        assert [(c["fraction"], c["text"].get("en"), c["value"], c["blank"]) for c in a["choices"]] == [
            (c["fraction"], c["text"].get("en"), c["value"], c["blank"]) for c in b["choices"]
        ]
    assert QuestionCategory.objects.get(name_en="Copy").children.exists()


@pytest.mark.django_db
def test_export_command_writes_a_file(tmp_path):
    import_questions(read("evidence.xml"), category="Export me")
    target = tmp_path / "out.gift"
    call_command("export_questions", "--format", "gift", "--category", "Export me", "-o", str(target))
    text = target.read_text("utf-8")
    assert "$CATEGORY: $course$/top/Export me/Electronic evidence/Courtroom" in text
    assert "::Convention::" in text
    assert "GIFT has no ordering questions" in text


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["gift", "moodle_xml"])
def test_export_loads_choices_and_competencies_in_bulk_with_the_same_output(fmt, django_assert_max_num_queries):
    questions = list(
        Question.objects.filter(
            pk__in=[q.pk for q in import_questions(read("evidence.xml"), category="Bulk").questions]
        )
    )
    one_by_one = []
    for question in questions:
        data = question.snapshot()
        data["category"] = "/".join(question.category.path_parts())
        data["mark"] = str(question.default_mark)
        one_by_one.append(data)
    expected = (moodle_xml.write if fmt == "moodle_xml" else gift.write)(one_by_one, "en")
    questions = list(Question.objects.filter(pk__in=[q.pk for q in questions]).select_related("category"))
    assert len(questions) > 3
    with django_assert_max_num_queries(2 + 2 * QuestionCategory.objects.count()):  # not per question
        assert export_questions(questions, fmt) == expected


@pytest.mark.django_db
def test_export_command_survives_a_cycle_in_the_categories(tmp_path):
    import_questions(read("evidence.xml"), category="Looped")
    root = QuestionCategory.objects.get(name_en="Looped")
    root.parent = root.children.first()
    root.save(update_fields=["parent"])
    target = tmp_path / "out.xml"
    call_command("export_questions", "--category", "Looped", "-o", str(target))
    assert "<question" in target.read_text("utf-8")
