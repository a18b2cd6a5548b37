"""Course and lesson pages with learner state: content, and query counts independent of course size."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from learning.enrolment import enrol
from learning.progress import complete_lesson
from tests.learning.conftest import build_course, lessons_of


def test_course_page_for_each_kind_of_visitor(client, police_officer, judge, police_course):
    html = client.get(police_course.url).content.decode()
    assert "Log in</a> to enrol" in html
    client.force_login(police_officer)
    html = client.get(police_course.url).content.decode()
    assert "Enrol on this course" in html and 'method="post"' in html and "csrfmiddlewaretoken" in html
    enrol(police_officer, police_course)
    html = client.get(police_course.url).content.decode()
    assert "You are enrolled on this course." in html and "Start the course" in html
    assert "0 of 4 lessons completed (0%)" in html and 'role="progressbar"' not in html  # native <progress>
    assert html.count("<progress") == 3  # the course and its two modules
    for lesson in lessons_of(police_course):
        complete_lesson(police_officer, lesson)
    html = client.get(police_course.url).content.decode()
    assert "You completed this course on" in html


def test_progress_bars_are_labelled(client, police_officer, police_course):
    enrol(police_officer, police_course)
    client.force_login(police_officer)
    html = client.get(police_course.url).content.decode()
    assert 'id="course-progress"' in html and 'aria-labelledby="course-progress"' in html
    assert 'aria-labelledby="module-progress-module-1"' in html


def lesson_page_queries(client, lesson):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(lesson.url)
    assert response.status_code == 200
    return len(captured)


def make_enrolled_course(slug, modules, per_module, learners=0):
    course = build_course(slug, modules=modules, lessons_per_module=per_module)
    for n in range(learners):  # other officers' enrolments and progress must not matter
        other = User.objects.create_user(f"{slug}-{n}@example.test", "x")
        enrol(other, course)
        complete_lesson(other, lessons_of(course)[0])
    return course


def test_lesson_page_queries_do_not_grow_with_course_size(client, police_officer, django_assert_max_num_queries):
    small = make_enrolled_course("small", 2, 2)
    large = make_enrolled_course("large", 5, 6, learners=5)
    client.force_login(police_officer)
    counts = {}
    for course in (small, large):
        enrol(police_officer, course)
        lessons = lessons_of(course)
        for lesson in lessons[:2]:
            complete_lesson(police_officer, lesson)
        client.get(lessons[2].url)  # progress row exists: the steady state
        counts[course.slug] = lesson_page_queries(client, lessons[2])
    assert counts["small"] == counts["large"], counts
    with django_assert_max_num_queries(25):
        client.get(lessons_of(large)[2].url)
    # A first view of a lesson (creating its progress row) costs a fixed few more.
    first_views = [lesson_page_queries(client, lessons_of(course)[3]) for course in (small, large)]
    assert first_views[0] == first_views[1]


def test_anonymous_lesson_page_costs_no_learner_queries(client, police_course):
    lesson = lessons_of(police_course)[0]
    client.get(lesson.url)
    with CaptureQueriesContext(connection) as captured:
        client.get(lesson.url)
    assert not [query for query in captured.captured_queries if 'FROM "learning_' in query["sql"]]


def test_course_page_queries_do_not_grow(client, police_officer):
    small = make_enrolled_course("c-small", 2, 2)
    large = make_enrolled_course("c-large", 5, 6, learners=3)
    client.force_login(police_officer)
    counts = []
    for course in (small, large):
        enrol(police_officer, course)
        complete_lesson(police_officer, lessons_of(course)[0])
        client.get(course.url)
        with CaptureQueriesContext(connection) as captured:
            client.get(course.url)
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_course_page_reads_prerequisites_once(client, police_officer, police_course):
    from courses.models import CoursePage

    advanced = build_course("advanced-once")
    advanced.required_courses.add(police_course)
    advanced.save()
    through = CoursePage.required_courses.through._meta.db_table
    client.force_login(police_officer)
    client.get(advanced.url)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(advanced.url).content.decode()
    assert "Not completed yet" in html
    assert sum(through in q["sql"] for q in captured.captured_queries) == 1
    completions = [q for q in captured.captured_queries if "learning_coursecompletion" in q["sql"]]
    assert len(completions) <= 1, completions
