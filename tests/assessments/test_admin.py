"""Trainer views: item analysis with a server-side SVG chart, regrade, import/export, the question bank."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import engine
from assessments.analysis import item_analysis
from assessments.models import Choice, Question

DATA = Path(__file__).parent / "data"


@pytest.fixture
def graded_quiz(quiz, enrolled_officer, django_user_model, police_course):
    from learning.enrolment import enrol

    officers = [enrolled_officer]
    for n in range(4):
        user = django_user_model.objects.create_user(f"o{n}@example.test", "a-strong-pass-phrase")
        enrol(user, police_course, check_policy=False)
        officers.append(user)
    for n, user in enumerate(officers):
        attempt, _ = engine.start_attempt(user, quiz)
        data = {i.position: i.version.data["choices"] for i in attempt.items.all()}
        answers = {"1": str(data[1][0]["id"] if n < 3 else data[1][1]["id"]), "2": [str(data[2][0]["id"])]}
        answers["3"] = "write blocker" if n < 2 else "no idea"
        engine.submit_attempt(attempt.pk, user, sequence=1, answers=answers)
    return quiz


def test_item_analysis_figures(graded_quiz):
    stats = {row.name: row for row in item_analysis(graded_quiz)}
    assert stats["Hash"].count == 5 and round(stats["Hash"].facility) == 60
    assert round(stats["Volatile"].facility) == 50
    assert stats["Volatile"].discrimination is None  # everybody scored the same: no spread
    assert stats["Tool"].discrimination > 50  # the strong officers answered it
    assert [(text, count) for text, count, _right in stats["Hash"].options] == [
        ("Hash value", 3),
        ("Photo", 2),
        ("—", 0),
    ]


def test_trainer_report_regrade_and_anonymity(client, graded_quiz, trainer, enrolled_officer):
    client.force_login(trainer)
    html = client.get(reverse("assessments_quiz_report", args=[graded_quiz.pk])).content.decode()
    assert "<svg" in html and 'role="img"' in html and "Facility index" in html
    assert str(enrolled_officer) not in html  # trainers see figures, not names
    Choice.objects.filter(question__name="Hash", text_en="Photo").update(fraction=1)
    response = client.post(reverse("assessments_quiz_regrade", args=[graded_quiz.pk]), {"use_latest_versions": "1"})
    assert response.status_code == 302
    assert round(item_analysis(graded_quiz)[0].facility) == 100
    assert client.get(reverse("assessments_quiz_index")).status_code == 200


def test_superuser_sees_names_officers_are_refused(client, graded_quiz, enrolled_officer, django_user_model):
    admin = django_user_model.objects.create_superuser("admin@example.test", "a-strong-pass-phrase")
    client.force_login(admin)
    assert (
        str(enrolled_officer) in client.get(reverse("assessments_quiz_report", args=[graded_quiz.pk])).content.decode()
    )
    client.force_login(enrolled_officer)
    assert client.get(reverse("assessments_quiz_report", args=[graded_quiz.pk])).status_code in (302, 403)


def test_admin_import_rejects_malformed_files_whole(client, trainer, django_user_model):
    admin = django_user_model.objects.create_superuser("admin@example.test", "a-strong-pass-phrase")
    client.force_login(admin)
    bad = SimpleUploadedFile("malformed.gift", (DATA / "malformed.gift").read_bytes())
    html = client.post(reverse("assessments_import"), {"file": bad, "language": "en"}).content.decode()
    assert "line 9: “five hundred” is not a number" in html and Question.objects.count() == 0
    good = SimpleUploadedFile("evidence.xml", (DATA / "evidence.xml").read_bytes())
    response = client.post(reverse("assessments_import"), {"file": good, "language": "fr", "category": "Juges"})
    assert response.status_code == 302 and Question.objects.filter(text_fr__contains="e-mail").exists()
    export = client.get(reverse("assessments_export") + "?format=gift&language=fr")
    assert "::Convention::" in export.content.decode()
    for name in ("question", "questioncategory", "competency"):
        assert client.get(reverse(f"wagtailsnippets_assessments_{name}:list")).status_code == 200
    question = Question.objects.first()
    assert client.get(reverse("wagtailsnippets_assessments_question:edit", args=[question.pk])).status_code == 200


@pytest.mark.django_db
def test_question_bank_listings_do_not_query_per_row(client, django_user_model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessments.models import QuestionCategory

    from .conftest import make_question

    top = QuestionCategory.objects.create(name_en="Top", name="Top", slug="top")
    sub = QuestionCategory.objects.create(name_en="Sub", name="Sub", slug="sub", parent=top)
    admin = django_user_model.objects.create_superuser("admin@example.test", "a-strong-pass-phrase")
    client.force_login(admin)
    questions = reverse("wagtailsnippets_assessments_question:list")
    categories = reverse("wagtailsnippets_assessments_questioncategory:list")

    def queries_for(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    make_question(sub, "Question 0")
    client.get(questions)  # warm per-process caches
    before = queries_for(questions), queries_for(categories)
    for n in range(1, 4):  # more questions in the same category (the category filter's choices stay the same)
        make_question(sub, f"Question {n}")
    assert queries_for(questions) == before[0]
    for n in range(1, 4):
        QuestionCategory.objects.create(name_en=f"Sub {n}", name=f"Sub {n}", slug=f"sub-{n}", parent=sub)
    assert queries_for(categories) == before[1]


def test_the_item_analysis_chart_keeps_every_label_inside_it():
    """Labels once sat in a 220 px margin and were cut; the 100 % value ran past the right edge."""
    import unicodedata

    from defusedxml import ElementTree

    from assessments.analysis import ItemStats, facility_chart

    names = [
        "Hash",
        "Chain of custody when a mobile phone is seized at the scene of a search",
        "电子证据的保全与完整性：哈希值、写保护设备和监管链的记录要求，以及在搜查现场扣押移动电话时应当遵循的全部程序步骤和注意事项",
        "سلسلة الحيازة عند ضبط هاتف محمول في مسرح الجريمة أثناء التفتيش",
    ]
    stats = [
        ItemStats(n, name, "single", count=5, facility=100.0 - 10 * n, discrimination=40.0)
        for n, name in enumerate(names)
    ]
    svg = ElementTree.fromstring(str(facility_chart(stats, "Facility")))
    width = float(svg.get("viewBox").split()[2])
    ns = "{http://www.w3.org/2000/svg}"

    def estimate(text, size):  # wide characters one em, the others at most 0.6 em (Noto, Latin and Arabic)
        return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.6 * size for c in text)

    texts = [(float(t.get("x")), t.text, float(t.get("font-size"))) for t in svg.iter(f"{ns}text")]
    labels = [text for _x, text, size in texts if size == 12]
    assert labels[0] == "Hash" and labels[1] == names[1]  # short and ordinary names in full
    assert labels[2].endswith("…") and names[2].startswith(labels[2][:-1])
    for x, text, size in texts:
        anchor_shift = estimate(text, size) / 2 if text.isdigit() else 0  # the ticks are centred
        assert x - anchor_shift >= 0 and x - anchor_shift + estimate(text, size) <= width, text
    tooltips = [t.text for t in svg.iter(f"{ns}title")]
    assert all(any(tip.startswith(name) for tip in tooltips) for name in names)  # full names as tooltips
