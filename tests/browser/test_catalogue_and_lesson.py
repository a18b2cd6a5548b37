"""The catalogue and a lesson in each of the six languages: lang/dir, screenshots, axe-core."""

import pytest

from courses.models import LessonPage
from elearning.languages import PLATFORM_LANGUAGES
from tests.browser.conftest import run_axe, save_axe_report, serious_violations


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", PLATFORM_LANGUAGES, ids=lambda lang: lang.code)
def test_catalogue_and_lesson_in_every_language(live_server, police_course, page, screenshot, language):
    lesson = LessonPage.objects.descendant_of(police_course).get(slug="lesson-1-2")

    page.goto(f"{live_server.url}/{language.code}/")
    html = page.locator("html")
    assert html.get_attribute("lang") == language.code
    assert html.get_attribute("dir") == language.direction
    assert page.locator(".course-card").count() == 2
    assert page.evaluate("getComputedStyle(document.body).direction") == language.direction
    screenshot(f"catalogue-{language.code}")
    violations = run_axe(page)
    save_axe_report(f"catalogue-{language.code}", violations)
    assert serious_violations(violations) == []

    page.goto(f"{live_server.url}/{language.code}{lesson.url_path[len('/catalogue') :]}")
    assert page.locator("html").get_attribute("dir") == language.direction
    title = getattr(lesson, f"title_{language.field_suffix}")
    assert page.locator("h1").inner_text() == title
    assert page.locator(".notice--fallback").count() == 0
    # Logical CSS: the outline sits at the inline end, so on the left in Arabic.
    main_box = page.locator("article.lesson").bounding_box()
    outline_box = page.locator("nav.course-outline").bounding_box()
    assert (outline_box["x"] < main_box["x"]) == language.is_rtl
    screenshot(f"lesson-{language.code}")
    violations = run_axe(page)
    save_axe_report(f"lesson-{language.code}", violations)
    assert serious_violations(violations) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_catalogue_filters_and_language_switch_by_keyboard(live_server, courses, page, screenshot):
    page.goto(f"{live_server.url}/en/")
    page.select_option("#id_audience", "judges")
    page.click("text=Apply filters")
    assert page.locator(".course-card").count() == 1
    # The language switcher is reachable and usable from the keyboard.
    page.focus("button[value='ar']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ar/?*audience=judges*")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator(".course-card").count() == 1
    screenshot("catalogue-filtered-ar")
