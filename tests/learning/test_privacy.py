"""Who sees which learner records (the records' permission policies) and the officer's own data export."""

import json

from django.contrib.auth.models import AnonymousUser, Permission
from django.urls import reverse

from core.visibility import visible
from learning.enrolment import enrol, withdraw
from learning.figures import course_statistics, courses_statistics
from learning.models import ActivityResult, CourseCompletion, Enrolment, LessonProgress, Provenance, StatementOutbox
from learning.progress import complete_lesson
from learning.results import record_activity_result
from tests.learning.conftest import build_course, lessons_of


def _visible(model):
    return lambda viewer, learner=None: visible(viewer, model, learner=learner)


visible_enrolments, visible_progress = _visible(Enrolment), _visible(LessonProgress)
SCOPES = tuple(
    _visible(model) for model in (Enrolment, LessonProgress, ActivityResult, CourseCompletion, StatementOutbox)
)


def activity(user, course):
    enrol(user, course, check_policy=False)
    for lesson in lessons_of(course):
        complete_lesson(user, lesson)
    record_activity_result(
        user, lessons_of(course)[0], score=5, max_score=10, passed=True, provenance=Provenance.BROWSER, counts=False
    )


def test_scoping_learners_see_only_their_own(police_officer, judge, officer, admin_user, trainer, police_course):
    activity(police_officer, police_course)
    activity(judge, police_course)
    for scope in SCOPES:
        mine = scope(police_officer)
        assert mine.exists()
        assert set(mine.values_list("pk", flat=True)).isdisjoint(scope(judge).values_list("pk", flat=True))
        assert not scope(officer).exists()
        assert not scope(AnonymousUser()).exists()
        assert not scope(trainer).exists()  # trainers: aggregates only
        # learner= narrows, never widens.
        assert not scope(police_officer, learner=judge).exists()
        # Site administrators see everyone's, and can narrow to one learner.
        assert scope(admin_user).count() == scope(police_officer).count() + scope(judge).count()
        assert scope(admin_user, learner=judge).count() == scope(judge).count()


def test_view_permission_grants_records_access(police_officer, officer, police_course):
    activity(police_officer, police_course)
    officer.user_permissions.add(Permission.objects.get(codename="view_enrolment", content_type__app_label="learning"))
    officer = type(officer).objects.get(pk=officer.pk)
    assert visible_enrolments(officer).count() == 1
    assert not visible_progress(officer).exists()


def test_course_statistics_are_aggregates(police_officer, judge, police_course):
    activity(police_officer, police_course)
    enrol(judge, police_course, check_policy=False)
    assert course_statistics(police_course) == {"enrolled": 2, "withdrawn": 0, "completed": 1}


def test_courses_statistics_match_course_statistics(police_officer, judge, police_course):
    other = build_course("stats-other")
    empty = build_course("stats-empty")
    activity(police_officer, police_course)
    enrol(judge, police_course, check_policy=False)
    enrol(judge, other, check_policy=False)
    withdraw(judge, other)
    enrol(police_officer, other, check_policy=False)
    figures = courses_statistics([police_course.pk, other.pk, empty.pk])
    for course in (police_course, other, empty):
        assert figures[course.pk] == course_statistics(course)
    assert figures[empty.pk] == {"enrolled": 0, "withdrawn": 0, "completed": 0}


def test_export_contains_everything_of_mine_and_nothing_of_others(client, police_officer, judge, police_course):
    activity(police_officer, police_course)
    activity(judge, police_course)
    client.force_login(police_officer)
    response = client.get(reverse("learning:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == "police@example.test" and data["profile"]["profession"] == "police"
    assert len(data["enrolments"]) == 1 and data["enrolments"][0]["course_id"] == police_course.pk
    assert len(data["lesson_progress"]) == 4
    assert len(data["activity_results"]) == 1 and data["activity_results"][0]["provenance"] == "browser"
    assert len(data["course_completions"]) == 1
    assert len(data["statements"]) == 1 + 4 + 1 + 1  # registered, 4 lessons, course, result
    text = response.content.decode()
    assert "judge@example.test" not in text and "Juan Judge" not in text
    judge_registration = str(visible_enrolments(judge).get().registration)
    assert judge_registration not in text
    for statement in data["statements"]:
        assert statement["actor"]["account"]["name"] == str(police_officer.pk)


def test_privacy_page_explains_who_sees_what(client, police_officer, police_course):
    enrol(police_officer, police_course)
    client.force_login(police_officer)
    html = client.get(reverse("learning:privacy")).content.decode()
    for text in ("Who can see your data", "Site administrators", "Trainers of your courses", "academy"):
        assert text in html
    assert police_course.title in html and reverse("learning:export") in html


def test_learner_pages_need_login(client):
    for name in ("learning:dashboard", "learning:privacy", "learning:export"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]
