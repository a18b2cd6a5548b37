"""The 51 real GIFT files of ../shared/fixtures/gift, each imported as Moodle would or refused for a
documented reason (docs/interoperability.md), and what officers then see of them."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments import engine
from assessments.formats.common import ImportFailed
from assessments.formats.importer import import_questions
from assessments.grading import clean_response, grade
from assessments.models import Question
from tests.conftest import shared_fixture

from .conftest import add_quiz

S, M, TF, N, SA, MA = "single", "multiple", "truefalse", "numeric", "short", "matching"
ESSAY = "an essay: Custodia imports only questions it grades"
DESCRIPTION = "a description (text without an answer block {…})"
NOTHING = "the file contains no questions Custodia can import"
PLUGINFILE = "it shows the embedded file “3.png”, which a GIFT file cannot carry"

# file: (types imported by default, or the reason it is refused; with --skip-unsupported: types, skipped count)
OUTCOMES = {
    "TFTwoFeedback.gift": ([TF, TF, TF], ([TF, TF, TF], 0)),
    "category1.gift": (NOTHING, (NOTHING, 0)),
    "categorySpecialCharacter.gift": (NOTHING, (NOTHING, 0)),
    "description1.gift": (DESCRIPTION, ([TF], 1)),
    "descriptionTitleEscapedColon.gift": (DESCRIPTION, ([TF], 1)),
    "descriptionWithID.gift": (DESCRIPTION, ([TF], 1)),
    "escapeAll.gift": ([S], ([S], 0)),
    "escapeColon.gift": ([S], ([S], 0)),
    "escapeEquals.gift": ([S], ([S], 0)),
    "essay1.gift": (ESSAY, (NOTHING, 1)),
    "formatExamples.gift": ([S], ([S], 0)),
    "giftFormatPhpExamples.gift": ([S, S, TF, SA, N, MA, S, S, SA, N], ([S, S, TF, SA, N, MA, S, S, SA, N], 0)),
    "markdown.gift": (DESCRIPTION, (NOTHING, 4)),
    "matching1.gift": ([MA, MA], ([MA, MA], 0)),
    "mc1.gift": ([S], ([S], 0)),
    "mc2.gift": ([S], ([S], 0)),
    "mc4.gift": ([S], ([S], 0)),
    "mc5.gift": ([S, S, S, S], ([S, S, S, S], 0)),
    "mcHTMLComment.gift": ([S], ([S], 0)),
    "multiLineFeedback1.gift": (PLUGINFILE, ([S], 1)),
    "multipleAnswersFloat.gift": ([M], ([M], 0)),
    "newlineAndLaTeX.gift": (ESSAY, (NOTHING, 1)),
    "numerical1.gift": ([N] * 10, ([N] * 10, 0)),
    "options1.gift": (
        [N, SA, S, S, SA, SA, TF, S, S, SA, M, M, S, S],
        ([N, SA, S, S, SA, SA, TF, S, S, SA, M, M, S, S], 0),
    ),
    "shortAnswer1.gift": ([SA, SA], ([SA, SA], 0)),
    "shortAnswer2.gift": ([SA, SA], ([SA, SA], 0)),
    "shortAnswerNotMatching.gift": ([S, S], ([S, S], 0)),
    "shortFirstEmbedded.gift": ([SA, SA], ([SA, SA], 0)),
    "shortFirstEmbeddedUnderline.gift": ([SA, SA], ([SA, SA], 0)),
    "shortFirstEmbeddedUnderlineHTML.gift": ([SA, SA], ([SA, SA], 0)),
    "symbolsAll.gift": ([TF], ([TF], 0)),
    "tag_id.gift": (ESSAY, (NOTHING, 1)),
    "tag_id_and_two_tags.gift": (ESSAY, (NOTHING, 1)),
    "tag_two_tags.gift": (ESSAY, (NOTHING, 1)),
    "tf1.gift": ([TF], ([TF], 0)),
    "tf1_html.gift": ([TF], ([TF], 0)),
    "tf1_markdown.gift": ([TF], ([TF], 0)),
    "tf2.gift": ([TF, TF], ([TF, TF], 0)),
    "totara_moodle_backslash.gift": (ESSAY, (NOTHING, 1)),
    "totara_moodle_essay.gift": (ESSAY, (NOTHING, 1)),
    "totara_moodle_match.gift": ([MA], ([MA], 0)),
    "totara_moodle_multichoice.gift": ([S], ([S], 0)),
    "totara_moodle_multichoice_multi.gift": ([M], ([M], 0)),
    "totara_moodle_numerical.gift": ([N], ([N], 0)),
    "totara_moodle_pre_content.gift": (ESSAY, (NOTHING, 1)),
    "totara_moodle_shortanswer.gift": ([SA], ([SA], 0)),
    "totara_moodle_shortanswer_general_feedback.gift": ([SA], ([SA], 0)),
    "totara_moodle_truefalse.gift": ([TF], ([TF], 0)),
    "totara_moodle_truefalse_true_answer1.gift": ([TF], ([TF], 0)),
    "totara_moodle_truefalse_true_answer2.gift": ([TF], ([TF], 0)),
    "type_inferred_multiline_markdown.gift": ([SA], ([SA], 0)),
}


def content(name):
    return shared_fixture(f"gift/{name}").read_bytes()


def test_the_table_covers_every_file():
    folder = shared_fixture("gift/README.md").parent
    assert sorted(path.name for path in folder.glob("*.gift")) == sorted(OUTCOMES)
    assert len(OUTCOMES) == 51


def _outcome(name, skip):
    before, category = Question.objects.count(), f"{name} ({'skip' if skip else 'whole'})"
    try:
        result = import_questions(content(name), category=category, skip_unsupported=skip)
    except ImportFailed as failure:
        assert Question.objects.count() == before  # refused whole: nothing saved
        return failure.lines()[0], len(failure.skipped)
    saved = list(Question.objects.filter(category__name_en=category).order_by("pk").values_list("qtype", flat=True))
    assert saved == [question.qtype for question in result.questions]
    return saved, len(result.skipped)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_each_file_imports_as_moodle_would_or_is_refused_for_a_documented_reason(name):
    default, (with_skip, skipped) = OUTCOMES[name]
    outcome, _count = _outcome(name, skip=False)
    if isinstance(default, str):
        assert isinstance(outcome, str) and default in outcome, outcome
    else:
        assert outcome == default
    outcome, count = _outcome(name, skip=True)
    if isinstance(with_skip, str):
        assert isinstance(outcome, str) and with_skip in outcome, outcome
    else:
        assert outcome == with_skip
    assert count == skipped


def _questions(name, **options):
    return {q.name: q for q in import_questions(content(name), category=name, **options).questions}


def _choices(question):
    return list(question.choices.order_by("sort_order"))


@pytest.mark.django_db
def test_format_tags_never_show_and_html_is_sanitised_rich_text():
    question = next(iter(_questions("mcHTMLComment.gift").values()))  # a Spanish prosecutors' bank
    assert question.text_format == "html" and question.name == "EE_mod_05_T39_P079"
    choices = _choices(question)
    assert [c.text_en for c in choices][2] == "Nunca." and [c.fraction for c in choices] == [0, 0, 1]
    assert not any("[moodle]" in c.text_en for c in choices)
    feedback = question.general_feedback_en
    assert "<strong>Artículo 5 Estatuto Orgánico del Ministerio Fiscal:</strong>" in feedback
    assert '<a href="http://www.formacioncnp.es/base_datos/Penal/lecr.html" rel="noopener noreferrer">' in feedback
    assert "style=" not in feedback and "<!--" not in feedback and "LE0000017566" not in feedback

    colours = next(iter(_questions("totara_moodle_multichoice.gift").values()))
    assert colours.text_format == "plain"
    assert [(c.text_en, c.feedback_en) for c in _choices(colours)] == [
        ("yellow", "right; good!"),
        ("red", "wrong, it's yellow"),  # "[html]" is the feedback's format, not its text
        ("blue", "wrong, it's yellow"),  # "[plain]"
    ]
    sun = next(iter(_questions("formatExamples.gift").values()))
    assert sun.text_en == "<p>The sun rises in which direction?</p>"
    assert [(c.text_en, c.feedback_en, c.fraction) for c in _choices(sun)] == [
        ("<p>The east.</p>", "<b>Awesome!</b>", 1),  # answers take the question's [html] format
        ("<p>The west.</p>", "What planet did <em>you</em> grow up on?", 0),
    ]
    import_questions(content("options1.gift"), category="options1")
    markdown = Question.objects.get(category__name_en="options1", text_format="html")
    assert markdown.text_en == "<p>Who's buried in <strong>Grant's tomb</strong>?</p>"


@pytest.mark.django_db
def test_numeric_forms_and_several_answers_with_partial_credit():
    questions = list(Question.objects.filter(pk__in=[q.pk for q in _questions("numerical1.gift").values()]))
    rows = {q.pk: [(c.value, c.tolerance, c.fraction) for c in _choices(q)] for q in questions}
    values = sorted(rows.values(), key=str)
    assert [(Decimal("3.1415"), Decimal("0.0005"), 1)] in values  # {#3.1415:0.0005} and {#3.141..3.142}
    assert [(Decimal("3"), Decimal("2"), 1)] in values  # {#1..5}
    assert [(Decimal("1822"), Decimal("0"), 1), (Decimal("1822"), Decimal("2"), Decimal("0.5"))] in values
    grasp = next(q for q in questions if q.name == "Combien de principes GRASP y a-t-il?")
    assert [(c.value, c.fraction) for c in _choices(grasp)] == [(5, 0), (9, 1), (23, 0)]
    assert 'title="Gang des quatre"' in _choices(grasp)[2].feedback_en
    data = grasp.current_version().data
    nine = grade(data, clean_response(data, "٩"))  # Eastern Arabic digits
    assert nine.fraction == 1 and nine.feedback_choices == [_choices(grasp)[1].pk]
    five = grade(data, clean_response(data, "5"))
    assert five.fraction == 0 and five.feedback_choices == [_choices(grasp)[0].pk]  # its feedback is shown

    q5 = next(iter(_questions("totara_moodle_numerical.gift").values()))
    data = q5.current_version().data
    assert grade(data, "1").fraction == 1 and grade(data, "5").fraction == 1
    wrong = grade(data, "6")
    assert wrong.fraction == 0 and data["choices"][1]["feedback"]["en"] == "Completely wrong"
    assert wrong.feedback_choices == [data["choices"][1]["id"]]  # Moodle's "~#" any-other-answer feedback


@pytest.mark.django_db
def test_short_answer_shorthand_precedence_escapes_and_true_false_feedback():
    one = _questions("shortAnswer2.gift")["How do you write the word for the number 1?"]
    assert one.qtype == "short" and [(c.text_en, c.fraction) for c in _choices(one)] == [("One", 1)]
    coffee = _questions("shortAnswerNotMatching.gift")["How to make coffee?"]
    assert [(c.text_en, c.fraction) for c in _choices(coffee)] == [
        ("go to starbucks -> order a coffee", 0),
        ("get coffee powder -> add water", 1),
    ]
    control = _questions("escapeAll.gift")["GIFT Control Characters"]
    assert [c.text_en for c in _choices(control)] == ["~", "=", "#", "{", "}", ":", "\\"]
    assert _choices(control)[6].fraction == 1
    symbols = next(iter(_questions("symbolsAll.gift").values()))
    assert symbols.text_en.endswith("such as `-=[];',./~!@#$%^&*()_+{}|:\"<>?")
    tombs = list(_questions("TFTwoFeedback.gift").values())
    tombs = list(Question.objects.filter(category__name_en="TFTwoFeedback.gift").order_by("pk"))
    assert [[(c.text_en, c.fraction, c.feedback_en) for c in _choices(q)] for q in tombs] == [
        [("True", 0, "feedback for true"), ("False", 1, "feedback for false")],
        [("True", 1, ""), ("False", 0, "feedback for true")],
        [("True", 1, "feedback for false"), ("False", 0, "")],  # Moodle: {TRUE# #x} is right-answer feedback x
    ]
    assert [c.text_ar for c in _choices(tombs[0])] == ["صحيح", "خطأ"]


@pytest.mark.django_db
def test_matching_keeps_formats_and_its_distractor():
    match = next(iter(_questions("totara_moodle_match.gift").values()))
    assert match.text_format == "html" and match.text_en == "Match the <b>activity</b> to the description."
    assert [(c.text_en, c.match_text_en) for c in _choices(match)] == [
        ("An activity supporting asynchronous discussions.", "Forum"),
        ("A teacher asks a question and specifies a choice of multiple responses.", "Choice"),
        ("A bank of record entries which participants can add to.", "Database"),
        ("<p>A collection of web pages that anyone can add to or edit.</p>", "Wiki"),
        ("", "Chat"),  # "= -> Chat": a distractor
    ]


@pytest.mark.django_db
def test_thirds_add_up_and_grades_moodle_refuses_are_refused_with_the_line():
    floats = next(iter(_questions("multipleAnswersFloat.gift").values()))
    data = floats.current_version().data
    right = [c["id"] for c in data["choices"] if Decimal(c["fraction"]) > 0]
    assert grade(data, clean_response(data, right)).state == "correct"
    with pytest.raises(ImportFailed) as failure:
        import_questions(b"// Moodle refuses 33%\n\nSelect {~%33%a ~%33%b ~%33%c ~%0%d}\n")
    assert any(line.startswith("line 3: the grade 33% is not one Moodle allows") for line in failure.value.lines())


@pytest.mark.django_db
def test_tags_come_from_comment_lines():
    question = import_questions(b"// [tag:fred] [tag:barney-wilma]\nQuestion?{=a ~b}\n").questions[0]
    assert sorted(tag.name for tag in question.tags.all()) == ["barney-wilma", "fred"]


@pytest.mark.django_db
def test_skip_unsupported_on_the_command_line(capsys):
    path = shared_fixture("gift/description1.gift")
    with pytest.raises(CommandError, match="rejected, nothing imported"):
        call_command("import_questions", str(path))
    assert "line 1: a description" in capsys.readouterr().err
    call_command("import_questions", str(path), "--skip-unsupported", "--category", "Skipping")
    out = capsys.readouterr().out
    assert "description1.gift: skipped line 1: a description" in out
    assert "Imported 1 question(s) from description1.gift (GIFT), 1 skipped." in out
    assert Question.objects.filter(category__name_en="Skipping").count() == 1


@pytest.mark.django_db
def test_what_officers_see_of_imported_moodle_questions(client, module, enrolled_officer):
    questions = []
    for name in (
        "mcHTMLComment.gift",
        "totara_moodle_multichoice.gift",
        "formatExamples.gift",
        "totara_moodle_match.gift",
    ):
        questions.extend(_questions(name).values())
    quiz = add_quiz(module, [{"question": q} for q in questions], slug="moodle-bank", review_answers_after=True)
    attempt, _ = engine.start_attempt(enrolled_officer, quiz)
    client.force_login(enrolled_officer)
    page = client.get(quiz.url + quiz.reverse_subpage("attempt_route", kwargs={"attempt_id": attempt.uuid}))
    html = page.content.decode()
    for tag in ("[moodle]", "[html]", "[plain]", "[markdown]", "&lt;p&gt;", "&lt;span", "&lt;b&gt;"):
        assert tag not in html, tag
    assert "<p>The east.</p>" in html and "Match the <b>activity</b> to the description." in html
    engine.submit_attempt(attempt.pk, enrolled_officer, sequence=1, answers={})
    review = client.get(quiz.url + quiz.reverse_subpage("review_route", kwargs={"attempt_id": attempt.uuid}))
    html = review.content.decode()
    assert "<strong>Artículo 5 Estatuto Orgánico del Ministerio Fiscal:</strong>" in html
    assert "style=" not in html.split("<main", 1)[-1]
    assert "Correct answer:" in html and "The east." in html
