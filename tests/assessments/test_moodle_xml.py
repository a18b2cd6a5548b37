# ruff: noqa: E501 - Moodle XML fixtures hold long lines
"""Moodle XML as Moodle reads and writes it: Cloze both ways (MULTICHOICE, NUMERICAL, SHORTANSWER blanks, weights,
feedback), embedded @@PLUGINFILE@@ images and media, Moodle's grade set, units, skipping unsupported questions,
and GIFT export of what GIFT can carry (true/false feedback, matching distractors)."""

import base64
import io
import re
from decimal import Decimal
from unittest.mock import patch

import pytest
from defusedxml import ElementTree
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PillowImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from assessments.formats.common import ImportFailed
from assessments.formats.importer import export_questions, import_questions
from assessments.grading import clean_response, grade
from assessments.models import Question, QuestionCategory

from .conftest import make_question


def png(colour):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (4, 3), colour).save(buffer, "PNG")
    return buffer.getvalue()


def b64(data):
    return base64.b64encode(data).decode()


def quiz_xml(*questions):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>\n").encode()


CLOZE = """<question type="cloze"><name><text>Seizure Cloze</text></name>
<questiontext format="html"><text><![CDATA[<p>Photograph the scene, then {2:MULTICHOICE:isolate the phone#Right first~=seal it in a Faraday bag#Yes: it blocks remote wiping~switch it off#No: PINs may be lost}.
A drive of {1:NUMERICAL:=4096:0#Exactly~%50%4000:100#Close~*#1 GB is 1024 MB} MB holds 4 GB.
The hash function is {1:SHORTANSWER_C:=SHA-256#Good~%50%SHA*#Which one?}; the tool is a {1:MCV:=write blocker~hammer}.</p>]]></text></questiontext>
<generalfeedback format="html"><text></text></generalfeedback><penalty>0.3333333</penalty><hidden>0</hidden></question>"""


@pytest.mark.django_db
def test_cloze_multichoice_numerical_and_short_answer_blanks_with_weights():
    question = import_questions(quiz_xml(CLOZE)).questions[0]
    assert question.qtype == "blanks" and question.text_format == "html"
    assert question.text_en == (
        "<p>Photograph the scene, then [[1]].\nA drive of [[2]] MB holds 4 GB.\n"
        "The hash function is [[3]]; the tool is a [[4]].</p>"
    )
    blanks = [(b.number, b.kind, b.weight, b.case_sensitive, b.layout) for b in question.blanks.order_by("number")]
    assert blanks == [
        (1, "choice", 2, False, "dropdown"),
        (2, "numeric", 1, False, "dropdown"),
        (3, "text", 1, True, "dropdown"),
        (4, "choice", 1, False, "vertical"),
    ]
    data = question.current_version().data
    by_text = {c["text"].get("en") or str(c["value"]): c for c in data["choices"]}
    assert by_text["seal it in a Faraday bag"]["feedback"]["en"] == "Yes: it blocks remote wiping"
    bag, phone, blocker = (
        by_text[t]["id"] for t in ("seal it in a Faraday bag", "isolate the phone", "write blocker")
    )
    perfect = {"1": str(bag), "2": "٤٠٩٦", "3": "SHA-256", "4": str(blocker)}
    assert grade(data, clean_response(data, perfect)).fraction == 1
    # Blank 1 weighs 2 of 5: a wrong choice there leaves 3/5; "sha-256" fails the case-sensitive blank.
    assert grade(data, clean_response(data, {**perfect, "1": str(phone)})).fraction == Decimal("0.6")
    assert grade(data, clean_response(data, {**perfect, "3": "sha-256"})).fraction == Decimal("0.8")  # nor SHA*
    close = grade(data, clean_response(data, {**perfect, "2": "4 050"}))  # within 4000 ± 100: half of weight 1
    assert close.fraction == Decimal("0.9")
    assert grade(data, clean_response(data, {**perfect, "2": "4,050"})).fraction == Decimal("0.8")  # Moodle: 4.05
    other = grade(data, clean_response(data, {"2": "12"}))
    assert by_text["*"]["feedback"]["en"] == "1 GB is 1024 MB" and by_text["*"]["id"] in other.feedback_choices
    assert clean_response(data, {"1": "99999", "4": str(bag)}) is None  # a choice of another blank is refused


def _cloze_subquestions(text):
    """An independent reading of Moodle's Cloze syntax: ``[(weight, type, [(fraction, answer, feedback)])]``."""
    found = []
    for weight, kind, body in re.findall(r"\{(\d*):([A-Z_]+):((?:\\\}|[^}])*)\}", text):
        alternatives = []
        for alternative in re.split(r"(?<!\\)~", body):
            fraction, answer = re.match(r"^(=|%-?[\d.]+%)?(.*)$", alternative, re.S).groups()
            answer, feedback = ([*re.split(r"(?<![\\&])#", answer, maxsplit=1), ""])[:2]
            alternatives.append((fraction or "%0%", answer, feedback))
        found.append((weight, kind, alternatives))
    return found


@pytest.mark.django_db
def test_cloze_is_written_as_moodles_importer_reads_it_and_reads_back():
    original = import_questions(quiz_xml(CLOZE), category="Cloze").questions[0]
    written = export_questions([original], "moodle_xml")
    root = ElementTree.fromstring(written.encode())
    element = root.find("question[@type='cloze']")
    assert element is not None  # Moodle's exporter writes type="cloze"; its importer reads it
    assert element.find("questiontext").get("format") == "html"
    text = element.find("questiontext/text").text
    subquestions = _cloze_subquestions(text)
    assert [(w, k) for w, k, _a in subquestions] == [
        ("2", "MULTICHOICE"),
        ("1", "NUMERICAL"),
        ("1", "SHORTANSWER_C"),
        ("1", "MULTICHOICE_V"),
    ]
    assert subquestions[0][2][1] == ("=", "seal it in a Faraday bag", "Yes: it blocks remote wiping")
    assert subquestions[1][2] == [
        ("=", "4096:0", "Exactly"),
        ("%50%", "4000:100", "Close"),
        ("%0%", "*", "1 GB is 1024 MB"),
    ]
    copy = import_questions(written.encode(), category="Copy").questions[0]
    a, b = original.current_version().data, copy.current_version().data
    assert a["blanks"] == b["blanks"] and a["text"] == b["text"]
    assert [(c["fraction"], c["text"], c["feedback"], c["value"]) for c in a["choices"]] == [
        (c["fraction"], c["text"], c["feedback"], c["value"]) for c in b["choices"]
    ]


@pytest.mark.django_db
def test_cloze_answers_with_special_characters_survive_the_round_trip():
    question = make_question(
        QuestionCategory.objects.create(name_en="Special", name="Special", slug="special"),
        "Braces",
        qtype="blanks",
        text="Type [[1]].",
        choices=(("a}b#c~d & <e>", 1, {"blank": 1, "feedback_en": "fb with } and ~"}), ("=x", "0.5", {"blank": 1})),
    )
    written = export_questions([question], "moodle_xml")
    copy = import_questions(written.encode(), category="Copy").questions[0]
    assert [(c.text_en, c.fraction, c.feedback_en) for c in copy.choices.order_by("sort_order")] == [
        ("a}b#c~d & <e>", 1, "fb with } and ~"),
        ("=x", Decimal("0.5"), ""),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("Please select the fruits.", "a Cloze question without any {…} blank"),
        ("Please select {1:MULTICHOICE:=Apple#Correct}", "blank 1: a choice needs at least two answers"),
        ("Please select {1:MULTICHOICE:Pear#No~%50%Apple#Half}", "blank 1: no answer gives full credit"),
        ("What grade? {3:NUMERICAL:=zero}", "blank 1: “zero” is not a number"),
    ],
)
def test_broken_cloze_questions_are_refused_as_moodle_refuses_them(body, reason):
    xml = quiz_xml(
        f'<question type="cloze"><name><text>Broken</text></name><questiontext format="html"><text>{body}</text></questiontext></question>'
    )
    with pytest.raises(ImportFailed) as failure:
        import_questions(xml)
    assert reason in failure.value.lines()[0]


@pytest.mark.django_db
def test_multiresponse_cloze_blanks_are_skipped_on_request():
    xml = quiz_xml(
        '<question type="cloze"><name><text>Ticks</text></name><questiontext format="html">'
        "<text>Pick {1:MULTIRESPONSE:%50%a~%50%b~c}</text></questiontext></question>",
        '<question type="truefalse"><name><text>TF</text></name><questiontext format="html"><text>Yes?</text></questiontext>'
        '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>',
    )
    with pytest.raises(ImportFailed, match="MULTIRESPONSE blanks"):
        import_questions(xml)
    result = import_questions(xml, skip_unsupported=True)
    assert [q.name for q in result.questions] == ["TF"]
    assert result.skipped == [
        ("<question> at line 3", "Cloze MULTIRESPONSE blanks (several answers ticked) are not imported")
    ]


MEDIA = """<question type="multichoice"><name><text>Flags</text></name>
<questiontext format="html"><text><![CDATA[<p>Which flag is red? <img src="@@PLUGINFILE@@/red%20flag.png" alt="Red flag" width="50"></p>
<p><audio controls src="@@PLUGINFILE@@/interview.mp3"></audio></p>]]></text>
<file name="red flag.png" path="/" encoding="base64">{red}</file><file name="interview.mp3" path="/" encoding="base64">{mp3}</file></questiontext>
<generalfeedback format="html"><text><![CDATA[<p>See <img src="@@PLUGINFILE@@/blue.png" alt="Blue"></p>]]></text><file name="blue.png" encoding="base64">{blue}</file></generalfeedback>
<single>true</single>
<answer fraction="100" format="html"><text><![CDATA[<p>The <em>red</em> one</p>]]></text></answer>
<answer fraction="0" format="html"><text>The blue one</text></answer></question>"""
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64


@pytest.mark.django_db
def test_embedded_images_and_media_become_wagtail_images_and_documents():
    xml = quiz_xml(MEDIA.format(red=b64(png("red")), blue=b64(png("blue")), mp3=b64(MP3)))
    question = import_questions(xml).questions[0]
    images, documents = get_image_model().objects.all(), get_document_model().objects.all()
    assert sorted(image.title for image in images) == ["blue.png", "red flag.png"]
    assert [document.title for document in documents] == ["interview.mp3"]
    red = images.get(title="red flag.png")
    assert red.width == 4 and red.height == 3 and red.file.read() == png("red")
    assert f'<img src="{red.file.url}" alt="Red flag" width="50">' in question.text_en
    assert f'<audio controls="" src="{documents[0].url}"></audio>' in question.text_en
    assert "@@PLUGINFILE@@" not in question.text_en + question.general_feedback_en
    assert images.get(title="blue.png").file.url in question.general_feedback_en
    again = import_questions(xml, category="Again").questions[0]  # the same files are reused, not copied
    assert get_image_model().objects.count() == 2 and get_document_model().objects.count() == 1
    assert red.file.url in again.text_en
    # Exported again as Moodle XML: the files travel inside the file, as Moodle writes them.
    root = ElementTree.fromstring(export_questions([question], "moodle_xml").encode())
    holder = root.find("question/questiontext")
    files = {f.get("name"): base64.b64decode(f.text) for f in holder.findall("file")}
    assert files == {red.file.name.rsplit("/", 1)[-1]: png("red"), documents[0].file.name.rsplit("/", 1)[-1]: MP3}
    assert "@@PLUGINFILE@@/" in holder.find("text").text and "/media/" not in holder.find("text").text


@pytest.mark.django_db
def test_a_missing_embedded_file_or_a_failed_import_leaves_nothing_behind():
    broken = MEDIA.format(red=b64(png("red")), blue="", mp3=b64(MP3)).replace(
        '<file name="blue.png" encoding="base64"></file>', ""
    )
    with pytest.raises(ImportFailed, match="embedded file “blue.png”, which the file does not contain"):
        import_questions(quiz_xml(broken))
    assert get_image_model().objects.count() == 0 and get_document_model().objects.count() == 0
    good = MEDIA.format(red=b64(png("red")), blue=b64(png("blue")), mp3=b64(MP3))
    bad_grade = (
        '<question type="multichoice"><name><text>Bad</text></name><questiontext><text>Q</text></questiontext>'
        '<answer fraction="33"><text>a</text></answer><answer fraction="67"><text>b</text></answer></question>'
    )
    with pytest.raises(ImportFailed, match="the grade 33% is not one Moodle allows"):
        import_questions(quiz_xml(good, bad_grade))  # rejected before any file is written
    assert get_image_model().objects.count() == 0


INVALID_GRADES = """<question type="multichoice"><name><text>Primes</text></name>
<questiontext format="html"><text><![CDATA[Select all prime numbers :<br>]]></text></questiontext>
<single>false</single>
<answer fraction="-50" format="html"><text>1</text></answer>
<answer fraction="33" format="html"><text>2</text></answer>
<answer fraction="33.33333" format="html"><text>3</text></answer>
<answer fraction="-50" format="html"><text>4</text></answer>
<answer fraction="33.33333" format="html"><text>5</text></answer></question>"""


@pytest.mark.django_db
def test_grades_outside_moodles_set_are_refused_with_the_line():
    with pytest.raises(ImportFailed) as failure:
        import_questions(quiz_xml(INVALID_GRADES))
    assert failure.value.lines() == [  # 33 + 33.33333 + 33.33333 rounds to 100%, as Moodle rounds it
        "<question> at line 3: the grade 33% is not one Moodle allows (100, 90, 83.33333, 80, 75, 70, 66.66667, "
        "60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10, 5 or 0%, or minus one of them)",
    ]
    assert Question.objects.count() == 0


NUMERICAL_UNITS = """<question type="numerical"><name><text>Retention</text></name>
<questiontext format="html"><text>Within how many days?</text></questiontext>
<answer fraction="100"><text>20</text><tolerance>0</tolerance></answer>
<answer fraction="0"><text>*</text><feedback format="html"><text>It is 20 days.</text></feedback></answer>
<units><unit><multiplier>1</multiplier><unit_name>days</unit_name></unit><unit><multiplier>0.142857142857</multiplier><unit_name>weeks</unit_name></unit></units>
<unitgradingtype>1</unitgradingtype><unitpenalty>0.25</unitpenalty><showunits>0</showunits><unitsleft>0</unitsleft></question>"""


@pytest.mark.django_db
def test_numerical_units_penalty_and_position_as_moodle_has_them():
    question = import_questions(quiz_xml(NUMERICAL_UNITS)).questions[0]
    assert (question.unit_handling, question.unit_penalty, question.unit_position) == (
        "required",
        Decimal("0.25"),
        "right",
    )
    data = question.current_version().data
    assert grade(data, "20 days").fraction == 1
    assert grade(data, "20").fraction == Decimal("0.75")  # a missing unit costs the penalty
    assert grade(data, "20 lightyears").fraction == Decimal("0.75")  # so does an unknown one
    written = ElementTree.fromstring(export_questions([question], "moodle_xml").encode()).find(
        "question[@type='numerical']"
    )
    assert [written.findtext(tag) for tag in ("unitgradingtype", "unitpenalty", "unitsleft")] == ["1", "0.25", "0"]
    assert [u.findtext("unit_name") for u in written.findall("units/unit")] == ["days", "weeks"]


@pytest.mark.django_db
def test_gift_export_keeps_true_false_feedback_matching_distractors_and_formats():
    category = QuestionCategory.objects.create(name_en="Export", name="Export", slug="export")
    tf = make_question(
        category,
        "Isolation",
        qtype="truefalse",
        text="Isolate a phone at once.",
        choices=(
            ("True", 1, {"feedback_en": "Yes: remote wiping."}),
            ("False", 0, {"feedback_en": "No: isolate it."}),
        ),
    )
    match = make_question(
        category,
        "Terms",
        qtype="matching",
        choices=(
            ("MD5", 0, {"match_text_en": "hash"}),
            ("Faraday bag", 0, {"match_text_en": "isolation"}),
            ("", 0, {"match_text_en": "encryption"}),
        ),
    )
    rich = make_question(category, "Rich", text="<p>Pick the <b>right</b> one</p>", text_format="html")
    gift = export_questions([tf, match, rich], "gift")
    assert "::Isolation::Isolate a phone at once.{TRUE#No\\: isolate it.#Yes\\: remote wiping.\n}" in gift
    assert "  = -> encryption" in gift
    assert "::Rich::[html]<p>Pick the <b>right</b> one</p>" in gift
    copies = import_questions(gift.encode(), category="Copy").questions
    tf_copy, match_copy, rich_copy = copies
    assert [(c.text_en, c.fraction, c.feedback_en) for c in tf_copy.choices.order_by("sort_order")] == [
        ("True", 1, "Yes: remote wiping."),
        ("False", 0, "No: isolate it."),
    ]
    assert [(c.text_en, c.match_text_en) for c in match_copy.choices.order_by("sort_order")][2] == ("", "encryption")
    assert rich_copy.text_format == "html" and rich_copy.text_en == "<p>Pick the <b>right</b> one</p>"


@pytest.mark.django_db
def test_admin_import_skips_unsupported_questions_on_request_and_reports_them(client, django_user_model):
    admin = django_user_model.objects.create_superuser("admin@example.test", "a-strong-pass-phrase")
    client.force_login(admin)
    essay = '<question type="essay"><name><text>Essay</text></name><questiontext><text>Describe.</text></questiontext></question>'
    xml = quiz_xml(essay, NUMERICAL_UNITS)
    refused = client.post(
        reverse("assessments_import"), {"file": SimpleUploadedFile("bank.xml", xml), "language": "en"}
    )
    html = refused.content.decode()
    assert "questions of type “essay” are not imported" in html and Question.objects.count() == 0
    assert "Skip the questions Custodia cannot import" in html
    upload = SimpleUploadedFile("bank.xml", xml)
    response = client.post(reverse("assessments_import"), {"file": upload, "language": "en", "skip_unsupported": "on"})
    assert response.status_code == 302 and Question.objects.count() == 1
    report = client.get(response["Location"]).content.decode()
    assert "Imported 1 question." in report and "1 question skipped" in report
    assert "&lt;question&gt; at line 3" in report and "questions of type “essay” are not imported" in report


@pytest.mark.django_db
def test_large_files_import_in_the_background_with_progress(
    client, django_user_model, settings, django_capture_on_commit_callbacks, trainer
):
    from assessments.models import ImportState, QuestionImport

    settings.ASSESSMENTS_IMPORT_BACKGROUND_BYTES = 1000
    admin = django_user_model.objects.create_superuser("admin@example.test", "a-strong-pass-phrase")
    client.force_login(admin)
    xml = quiz_xml(*[NUMERICAL_UNITS.replace("Retention", f"Retention {n}") for n in range(5)])
    assert len(xml) > 1000
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("assessments_import"), {"file": SimpleUploadedFile("big.xml", xml), "language": "en"}
        )
    job = QuestionImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{job.uuid}/")
    # The request returned with the import queued: nothing saved yet, the report shows a progress bar.
    assert (job.state, job.done, Question.objects.count(), len(callbacks)) == (ImportState.QUEUED, 0, 0, 1)
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and "Waiting for a task worker" in page and "import_progress.js" in page
    progress = []
    from assessments import imports

    real_import = imports.import_questions

    def watched(*args, progress=None, **kwargs):
        def record(done, total):
            progress(done, total)
            progress_seen = QuestionImport.objects.values_list("done", "total").get(pk=job.pk)
            saved = Question.objects.count()
            recorded.append((progress_seen, saved))

        return real_import(*args, progress=record, **kwargs)

    recorded = progress
    with patch("assessments.formats.importer.BATCH", 2), patch.object(imports, "import_questions", watched):
        callbacks[0]()  # the task (the immediate backend runs it at once)
    assert recorded == [((0, 5), 0), ((2, 5), 2), ((4, 5), 4), ((5, 5), 5)]  # committed batch by batch
    job.refresh_from_db()
    assert job.state == ImportState.DONE and job.done == job.total == 5 and job.content == b""
    status = client.get(reverse("assessments_import_status", args=[job.uuid])).json()
    assert status == {"state": "done", "state_label": "Imported", "done": 5, "total": 5, "finished": True}
    from django.contrib.auth.models import Permission

    trainer.user_permissions.add(Permission.objects.get(codename="add_question"))
    client.force_login(trainer)  # may import, but this import is someone else's
    assert client.get(reverse("assessments_import"), follow=True).status_code == 200
    assert client.get(reverse("assessments_import_report", args=[job.uuid]), follow=True).status_code == 404
    assert client.get(reverse("assessments_import_status", args=[job.uuid]), follow=True).status_code == 404


@pytest.mark.django_db
def test_a_batch_that_fails_undoes_the_batches_before_it():
    xml = quiz_xml(*[NUMERICAL_UNITS.replace("Retention", f"Retention {n}") for n in range(5)])
    calls = []

    def progress(done, total):
        calls.append(done)
        if done == 4:
            raise RuntimeError("the database went away")

    with patch("assessments.formats.importer.BATCH", 2), pytest.raises(RuntimeError):
        import_questions(xml, category="Doomed", progress=progress)
    assert calls == [0, 2, 4]
    assert Question.objects.count() == 0 and not QuestionCategory.objects.filter(name_en="Doomed").exists()
