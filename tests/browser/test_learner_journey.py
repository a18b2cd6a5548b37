"""An officer's whole journey, in English and in Arabic: sign up, confirm, enrol, learn, leave, come back, finish."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from courses.models import LessonPage
from learning.models import CourseCompletion, Enrolment
from tests.browser.conftest import run_axe, save_axe_report, serious_violations

PASSWORD = "Correct-Horse-Battery-Staple-42"


def check_accessibility(page, name):
    violations = run_axe(page)
    save_axe_report(name, violations)
    assert serious_violations(violations) == []


def confirmation_path(email):
    message = next(m for m in reversed(mail.outbox) if email in m.to)
    link = re.search(r"https?://\S+", message.body).group(0)
    return urlsplit(link).path


def mark_complete(page):
    with page.expect_navigation():
        page.click("form.complete-form button[type=submit]")
    assert page.locator("#lesson-status").inner_text().strip() != ""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_officer_journey(live_server, police_course, page, screenshot, language):
    base = live_server.url
    email = f"journey-{language}@example.test"
    lessons = list(LessonPage.objects.descendant_of(police_course).live().order_by("path"))
    course_path = f"/{language}{police_course.url_path[len('/catalogue') :]}"

    def lesson_path(lesson):
        return f"/{language}{lesson.url_path[len('/catalogue') :]}"

    # Sign up, in the officer's language.
    mail.outbox.clear()
    page.goto(f"{base}/{language}/accounts/signup/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    page.fill("#id_email", email)
    page.fill("#id_full_name", "نادية كريم" if language == "ar" else "Nadia Karim")
    page.fill("#id_first_name", "Nadia")
    page.fill("#id_last_name", "Karim")
    page.select_option("#id_profession", "police")
    page.select_option("#id_country", "JO")
    page.select_option("#id_preferred_language", language)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    screenshot(f"journey-{language}-01-signup")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/accounts/signup/sent/" in page.url

    # Confirm the e-mail address (the live server runs in this process: read its outbox).
    page.goto(base + confirmation_path(email))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url.rstrip("/").endswith(f"/{language}")
    assert page.locator("form[action*='logout']").count() == 1  # signed in

    # Enrol on the police course.
    page.goto(base + course_path)
    with page.expect_navigation():
        page.click(f"form[action$='/learning/courses/{police_course.pk}/enrol/'] button")
    assert page.locator("#course-progress + progress").get_attribute("value") == "0"
    screenshot(f"journey-{language}-02-enrolled")
    check_accessibility(page, f"journey-course-{language}")

    # Start, complete two lessons, open the third.
    with page.expect_navigation():
        page.click(".enrolment a.button")
    assert urlsplit(page.url).path == lesson_path(lessons[0])
    mark_complete(page)
    assert page.locator("#lesson-course-progress + progress").get_attribute("value") == "1"
    with page.expect_navigation():
        page.click("a.pager__next")
    assert urlsplit(page.url).path == lesson_path(lessons[1])
    mark_complete(page)
    screenshot(f"journey-{language}-03-lesson-completed")
    check_accessibility(page, f"journey-lesson-{language}")
    with page.expect_navigation():
        page.click("a.pager__next")
    assert urlsplit(page.url).path == lesson_path(lessons[2])

    # Log out, log back in.
    with page.expect_navigation():
        page.click("form[action*='logout'] button")
    assert page.locator("form[action*='logout']").count() == 0
    page.goto(f"{base}/{language}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("form[action*='logout']").count() == 1

    # My learning: resume where the officer left off.
    page.goto(f"{base}/{language}/learning/")
    assert page.locator("html").get_attribute("lang") == language
    card = page.locator(".dashboard-card", has=page.locator(f"a[href='{course_path}']"))
    assert card.locator("progress").get_attribute("value") == "2"
    screenshot(f"journey-{language}-04-dashboard-in-progress")
    with page.expect_navigation():
        card.locator("a.button").click()
    assert urlsplit(page.url).path == lesson_path(lessons[2])

    # Finish the course.
    mark_complete(page)
    with page.expect_navigation():
        page.click("a.pager__next")
    assert urlsplit(page.url).path == lesson_path(lessons[3])
    mark_complete(page)
    screenshot(f"journey-{language}-05-course-completed")

    # The course is listed under "Completed".
    page.goto(f"{base}/{language}/learning/")
    completed = page.locator("section[aria-labelledby='completed-heading'] tr.completion")
    assert completed.count() == 1
    assert completed.locator(f"a[href='{course_path}']").count() == 1
    assert page.locator(".dashboard-card", has=page.locator(f"a[href='{course_path}']")).count() == 0
    screenshot(f"journey-{language}-06-dashboard-completed")
    check_accessibility(page, f"journey-dashboard-{language}")

    enrolment = Enrolment.objects.get(user__email=email)
    assert CourseCompletion.objects.filter(enrolment=enrolment).count() == 1
    assert CourseCompletion.objects.get(enrolment=enrolment).language == language
