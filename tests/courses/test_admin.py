import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from courses.models import LessonPage


def test_translation_status_report_lists_courses_and_gaps(client, trainer, police_course, first_lesson):
    first_lesson.body_ar = []
    first_lesson.save_revision().publish()
    client.force_login(trainer)

    index = client.get(reverse("translation_status"))
    assert index.status_code == 200
    soup = BeautifulSoup(index.content, "html.parser")
    rows = {
        row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.select("td")]
        for row in soup.select("tbody tr")
    }
    assert rows["Hash values (P)"][4] == "6 of 7 pages"  # Arabic column
    assert rows["Hash values (P)"][1] == "Complete"

    detail = client.get(reverse("translation_status_course", args=[police_course.pk]))
    soup = BeautifulSoup(detail.content, "html.parser")
    lesson_row = next(row for row in soup.select("tbody tr") if first_lesson.title_en in row.th.get_text())
    assert "Missing: body" in lesson_row.select("td")[4].get_text(" ", strip=True)


def test_translation_status_is_staff_only(client, officer, police_course):
    client.force_login(officer)
    response = client.get(reverse("translation_status"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_lesson_editor_has_every_language_and_right_to_left_arabic(client, trainer, first_lesson):
    client.force_login(trainer)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[first_lesson.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for suffix in ("en", "fr", "es", "ru", "ar", "zh_hans"):
        assert f'name="title_{suffix}"' in html
    assert "courses/admin-rtl.js" in html


@pytest.mark.parametrize("block", ["heading", "paragraph", "callout", "image", "video", "document",
                                   "glossary_term", "case_study", "reflection"])  # fmt: skip
def test_lesson_body_offers_every_block(block):
    assert block in LessonPage._meta.get_field("body_en").stream_block.child_blocks


def test_rich_text_features_are_restricted():
    paragraph = LessonPage._meta.get_field("body_en").stream_block.child_blocks["paragraph"]
    assert "image" not in paragraph.features
    assert "embed" not in paragraph.features
