"""'My learning': content and a bounded number of queries."""

from django.urls import reverse

from courses.models import CoursePage, EnrolmentPolicy
from learning.enrolment import enrol, withdraw
from learning.progress import complete_lesson
from tests.learning.conftest import build_course, lessons_of


def test_dashboard_sections(client, police_officer, police_course, courses):
    done = build_course("done-course", modules=1, lessons_per_module=1)
    left = build_course("left-course", modules=1, lessons_per_module=2)
    build_course("secret", enrolment_policy=EnrolmentPolicy.INVITATION)
    build_course("for-judges", audience_police=False, audience_judges=True)
    recommended = build_course("recommended-police")
    enrol(police_officer, police_course)
    enrol(police_officer, done)
    enrol(police_officer, left)
    withdraw(police_officer, left)
    lessons = lessons_of(police_course)
    complete_lesson(police_officer, lessons[0])
    complete_lesson(police_officer, lessons_of(done)[0])
    client.force_login(police_officer)
    client.get(lessons[1].url)  # the resume point

    html = client.get(reverse("learning:dashboard")).content.decode()
    in_progress = html[html.index('id="in-progress-heading"') : html.index('id="completed-heading"')]
    assert police_course.title in in_progress and "1 of 4 lessons completed (25%)" in in_progress
    assert f'href="{lessons[1].url}"' in in_progress and "Resume" in in_progress
    assert '<progress class="progress__bar" max="4" value="1"' in in_progress
    assert done.title not in in_progress
    completed = html[html.index('id="completed-heading"') : html.index('id="recommended-heading"')]
    assert done.title in completed and "No expiry" in completed
    recommended_part = html[html.index('id="recommended-heading"') : html.index('id="withdrawn-heading"')]
    assert recommended.title in recommended_part
    for title in ("Course secret", "Course for-judges", police_course.title, done.title):
        assert title not in recommended_part
    assert CoursePage.objects.get(slug="judges-basics").title not in recommended_part
    assert left.title in html[html.index('id="withdrawn-heading"') :]


def test_dashboard_without_profession_recommends_open_courses(client, officer, courses):
    client.force_login(officer)
    html = client.get(reverse("learning:dashboard")).content.decode()
    assert "You have no course in progress." in html
    assert "Add your profession" in html
    assert all(course.title in html for course in courses)


def test_dashboard_in_arabic_is_right_to_left(client, police_officer, police_course):
    enrol(police_officer, police_course)
    client.force_login(police_officer)
    html = client.get("/ar/learning/").content.decode()
    assert 'dir="rtl"' in html and police_course.title_ar in html


def count_dashboard_queries(client, django_assert_max_num_queries, limit):
    client.get(reverse("learning:dashboard"))  # the site and page-tree caches filled (as between any two views)
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(reverse("learning:dashboard")).status_code == 200
    return len(captured.captured_queries)


def test_dashboard_queries_do_not_grow_with_courses_and_progress(
    client, police_officer, django_assert_max_num_queries
):
    client.force_login(police_officer)
    small = build_course("q-small", modules=1, lessons_per_module=2)
    enrol(police_officer, small)
    complete_lesson(police_officer, lessons_of(small)[0])
    baseline = count_dashboard_queries(client, django_assert_max_num_queries, 20)
    for n in range(6):
        course = build_course(f"q-{n}", modules=3, lessons_per_module=5, validity_months=12)
        enrol(police_officer, course)
        for lesson in lessons_of(course)[: 5 + n]:
            complete_lesson(police_officer, lesson)
    for lesson in lessons_of(CoursePage.objects.get(slug="q-5")):
        complete_lesson(police_officer, lesson)
    assert count_dashboard_queries(client, django_assert_max_num_queries, 20) == baseline
