import pytest
from django.utils import translation
from wagtail.models import Page

from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from courses.translation_status import complete_languages, missing_fields


def test_page_tree_rules():
    assert CourseIndexPage.allowed_subpage_models() == [CoursePage]
    assert CoursePage.allowed_subpage_models() == [ModulePage]
    from assessments.models import QuizPage

    # ModulePage names no child type: lessons and quizzes declare it as their parent.
    assert ModulePage.creatable_subpage_models() == [LessonPage, QuizPage]
    assert LessonPage.allowed_subpage_models() == []
    assert CoursePage.allowed_parent_page_models() == [CourseIndexPage]
    assert LessonPage.allowed_parent_page_models() == [ModulePage]


def test_course_properties(police_course):
    assert [a.value for a in police_course.audiences] == ["police"]
    assert len(police_course.objectives_list) == 2
    assert police_course.language_codes == ["en", "fr", "es", "ru", "ar", "zh-hans"]
    from courses.tree import outline

    modules = outline(police_course)
    assert [len(m.live_lessons) for m in modules] == [2, 2]


def test_fields_follow_the_active_language(first_lesson):
    with translation.override("ru"):
        assert first_lesson.title == first_lesson.title_ru
        assert "Хеш" in first_lesson.title
    with translation.override("zh-hans"):
        assert first_lesson.summary == "哈希值可以识别副本。"


def test_missing_translation_falls_back_to_english(client, first_lesson):
    first_lesson.title_ar = ""
    first_lesson.summary_ar = ""
    first_lesson.body_ar = []
    first_lesson.save_revision().publish()

    assert missing_fields(first_lesson, "ar") == ["body", "summary", "title"]
    assert missing_fields(first_lesson, "fr") == []
    with translation.override("ar"):
        assert first_lesson.title == first_lesson.title_en

    response = client.get(f"/ar{first_lesson.url_path.removeprefix('/catalogue')}")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="notice notice--fallback"' in html
    assert first_lesson.title_en in html
    # The English body is shown in place of the missing Arabic one.
    assert "A hash value identifies a copy." in html

    french = client.get(f"/fr{first_lesson.url_path.removeprefix('/catalogue')}").content.decode()
    assert "notice--fallback" not in french


def test_course_languages_follow_publishing(police_course, first_lesson):
    first_lesson.body_zh_hans = []
    first_lesson.save_revision().publish()
    police_course.refresh_from_db()
    assert "zh-hans" not in police_course.language_codes
    assert complete_languages(police_course) == ["en", "fr", "es", "ru", "ar"]

    first_lesson.body_zh_hans = first_lesson.body_en.raw_data
    first_lesson.save_revision().publish()
    police_course.refresh_from_db()
    assert "zh-hans" in police_course.language_codes


def test_optional_empty_fields_need_no_translation(police_course):
    assert not police_course.sensitivity_notice_en
    assert "sensitivity_notice" not in missing_fields(police_course, "ar")


def test_unpublished_lesson_is_hidden_from_learners(client, first_lesson, police_course):
    first_lesson.unpublish()
    course_html = client.get("/en/police-basics/").content.decode()
    assert first_lesson.title_en not in course_html
    assert client.get(f"/en{first_lesson.url_path.removeprefix('/catalogue')}").status_code == 404


@pytest.mark.django_db
def test_catalogue_is_the_site_root_and_under_moderation(courses):
    catalogue = CourseIndexPage.objects.get()
    assert catalogue.get_site().root_page_id == catalogue.pk
    assert catalogue.get_workflow() is not None
    assert not Page.objects.filter(depth=2).exclude(pk=catalogue.pk).exists()
