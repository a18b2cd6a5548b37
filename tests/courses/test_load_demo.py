import json

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import User
from courses.demo.loader import load_course_documents
from courses.demo.validate import check_course
from courses.models import CoursePage, LessonPage, ModulePage
from tests.conftest import FIXTURE_CONTENT


@pytest.mark.django_db
def test_load_demo_builds_the_curriculum_and_is_idempotent(capsys):
    call_command("load_demo")
    first = (CoursePage.objects.count(), ModulePage.objects.count(), LessonPage.objects.count(), User.objects.count())
    call_command("load_demo")
    again = (CoursePage.objects.count(), ModulePage.objects.count(), LessonPage.objects.count(), User.objects.count())
    assert first == again

    demo = CoursePage.objects.exclude(slug__in=["police-basics", "judges-basics"])
    assert demo.count() >= 3
    assert {a.value for course in demo for a in course.audiences} == {"police", "prosecutors", "judges"}
    for course in demo:
        assert course.language_codes == ["en", "fr", "es", "ru", "ar", "zh-hans"]
        assert ModulePage.objects.child_of(course).count() >= 2
        assert LessonPage.objects.descendant_of(course).live().count() >= 4

    # Police course teaches converting UTC log times to local time.
    police = demo.get(audience_police=True)
    lessons = " ".join(str(lesson.body_en) for lesson in LessonPage.objects.descendant_of(police))
    assert "UTC" in lessons

    for email in ("trainer@example.org", "officer@example.org", "academy@example.org"):
        assert User.objects.get(email=email).check_password("custodia-demo")
    assert User.objects.get(email="trainer@example.org").is_staff
    output = capsys.readouterr().out
    assert "custodia-demo" in output
    assert "officer@example.org" in output
    # The demo officer holds one accredited certificate, printed with its code.
    from certificates.models import Certificate

    certificate = Certificate.objects.get(user__email="officer@example.org")
    assert certificate.code in output.replace("-", "")
    assert certificate.pdf


@pytest.mark.django_db
def test_demo_accounts_sign_in_with_their_email(client):
    from accounts.demo import ensure_demo_accounts

    ensure_demo_accounts()
    assert client.login(username="officer@example.org", password="custodia-demo")


@override_settings(CUSTODIA_PRODUCTION=True)
def test_load_demo_refuses_production_settings(db):
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo")
    assert not User.objects.filter(email="officer@example.org").exists()


def test_validator_reports_each_problem(tmp_path):
    data = json.loads((FIXTURE_CONTENT / "alpha.json").read_text("utf-8"))
    data["title"]["ar"] = "Hash values"
    del data["summary"]["zh-hans"]
    data["modules"][0]["lessons"][0]["body"][1]["value"]["fr"] = "<p>ok</p><script>x</script>"
    data["modules"][0]["lessons"][0]["body"].append({"type": "video", "value": {}})
    problems = check_course(data, "alpha.json", FIXTURE_CONTENT)
    assert any("title[ar]: no text in the language's script" in p for p in problems)
    assert any("summary: needs exactly the keys" in p for p in problems)
    assert any("tag <script> not allowed" in p for p in problems)
    assert any("unknown block type 'video'" in p for p in problems)


def test_invalid_demo_content_is_rejected_whole(tmp_path, db):
    (tmp_path / "topics.json").write_text((FIXTURE_CONTENT / "topics.json").read_text("utf-8"), "utf-8")
    good = json.loads((FIXTURE_CONTENT / "alpha.json").read_text("utf-8"))
    (tmp_path / "a.json").write_text(json.dumps(good), "utf-8")
    bad = dict(good, slug="Not A Slug")
    (tmp_path / "b.json").write_text(json.dumps(bad), "utf-8")
    with pytest.raises(ValueError, match="b.json: bad or missing slug"):
        load_course_documents(tmp_path)


def test_shipped_demo_content_is_valid():
    assert len(load_course_documents()) >= 3


def test_reloaded_demo_courses_have_their_complete_languages(courses):
    from django.utils import translation

    from courses.demo.loader import load_demo_courses
    from courses.translation_status import complete_languages

    police = CoursePage.objects.get(slug="police-basics")
    module = ModulePage.objects.child_of(police).order_by("path").first()
    with translation.override("en"):
        extra = module.add_child(instance=LessonPage(title="English only", slug="english-only"))
    extra.save_revision().publish()
    assert "fr" not in CoursePage.objects.get(pk=police.pk).language_codes
    with translation.override("en"):
        load_demo_courses(FIXTURE_CONTENT)
    for course in CoursePage.objects.all():
        assert course.language_codes == complete_languages(course), course.slug
    assert CoursePage.objects.get(pk=police.pk).language_codes == ["en"]
