"""Needs assessment: the six-language demo data, the loader, the officer's report and the aggregate."""

import pytest
from django.utils import translation

from assessments import engine
from assessments.demo import load_demo_assessments, load_documents
from assessments.needs import competency_summary
from assessments.presentation import needs_report


def test_demo_files_are_complete_in_six_languages():
    documents = load_documents()
    assert [name for name, _ in documents] == ["police.json", "prosecutors.json", "judges.json"]
    assert all(len(data["questions"]) >= 4 for _, data in documents)


@pytest.fixture
def demo_quizzes(db):
    from courses.demo.loader import load_demo_courses

    with translation.override("en"):
        load_demo_courses()
        quizzes = load_demo_assessments()
        assert [q.pk for q in load_demo_assessments()] == [q.pk for q in quizzes]  # idempotent
    return quizzes


def test_needs_assessment_recommends_what_to_learn(client, demo_quizzes, officer, django_user_model):
    police = demo_quizzes[0]
    assert police.diagnostic and police.get_prev_sibling() is None  # before the lessons
    assert police.title_ar.startswith("تقييم") and police.title_zh_hans
    attempt, _ = engine.start_attempt(officer, police)  # diagnostic: no enrolment needed
    answers = {}
    for item in attempt.items.all():
        data = item.version.data
        best = max(data["choices"], key=lambda c: float(c["fraction"]))
        if "police-integrity" in data["competencies"]:
            answers[str(item.position)] = [str(best["id"])] if data["type"] == "multiple" else str(best["id"])
    engine.submit_attempt(attempt.pk, officer, sequence=1, answers=answers)
    attempt.refresh_from_db()
    report = {row["competency"].code: row for row in needs_report(attempt)}
    assert report["police-first-response"]["strengthen"] and report["police-first-response"]["percent"] == 0
    assert not report["police-integrity"]["strengthen"]
    assert [p.slug for p in report["police-first-response"]["pages"]] == [
        "first-response-at-the-scene",
        "seizure-packaging-and-labelling",
    ]
    client.force_login(officer)
    review = client.get(police.url + police.reverse_subpage("review_route", kwargs={"attempt_id": attempt.uuid}))
    html = review.content.decode()
    assert "Your training needs" in html and "first-response-at-the-scene" in html
    with translation.override("ar"):
        html = client.get(police.url.replace("/en/", "/ar/")).content.decode()
    assert 'dir="rtl"' in html and "الاستجابة الأولى للأجهزة الرقمية" in html
    other = django_user_model.objects.create_user("o2@example.test", "a-strong-pass-phrase")
    second, _ = engine.start_attempt(other, police)
    engine.submit_attempt(second.pk, other)
    summary = competency_summary(police)
    assert summary["police-first-response"] == {"officers": 2, "percent": 0, "below_threshold": 2}
    assert summary["police-integrity"]["percent"] == 50
