"""Enrolment: policies, prerequisites, the academy hook, withdrawal, administrator enrolment."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail import hooks

from core.refusals import Refused
from courses.models import EnrolmentPolicy
from learning.enrolment import bulk_enrol, enrol, withdraw
from learning.models import (
    CourseCompletion,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    LessonProgress,
    StatementOutbox,
)
from learning.policy import ENROLMENT_GRANTS_HOOK, can_self_enrol
from learning.progress import complete_lesson
from tests.learning.conftest import build_course, lessons_of


def test_self_enrol_on_open_course_is_idempotent(police_officer, police_course):
    enrolment, changed = enrol(police_officer, police_course)
    assert changed and enrolment.is_active and enrolment.source == EnrolmentSource.SELF
    again, changed_again = enrol(police_officer, police_course)
    assert again.pk == enrolment.pk and not changed_again
    assert Enrolment.objects.filter(user=police_officer).count() == 1
    assert StatementOutbox.objects.filter(user=police_officer, verb__endswith="/registered").count() == 1


def test_anonymous_and_unpublished_refused(police_officer, police_course):
    from django.contrib.auth.models import AnonymousUser

    assert not can_self_enrol(AnonymousUser(), police_course)
    police_course.unpublish()
    police_course.refresh_from_db()
    decision = can_self_enrol(police_officer, police_course)
    assert not decision and "not published" in str(decision.reason)


def test_audience_policy_matches_profession(police_officer, judge, police_course):
    police_course.enrolment_policy = EnrolmentPolicy.AUDIENCES
    police_course.save()
    assert can_self_enrol(police_officer, police_course)
    decision = can_self_enrol(judge, police_course)
    assert not decision and "other professions" in str(decision.reason)
    with pytest.raises(Refused):
        enrol(judge, police_course)
    assert not Enrolment.objects.filter(user=judge).exists()


def test_invitation_only_refuses_self_enrolment_but_admin_can_enrol(police_officer, admin_user, police_course):
    police_course.enrolment_policy = EnrolmentPolicy.INVITATION
    police_course.save()
    with pytest.raises(Refused):
        enrol(police_officer, police_course)
    enrolment, changed = enrol(
        police_officer, police_course, by=admin_user, source=EnrolmentSource.ADMIN, check_policy=False
    )
    assert changed and enrolment.enrolled_by == admin_user and enrolment.source == EnrolmentSource.ADMIN


def test_academy_hook_can_open_a_restricted_course(judge, police_course):
    police_course.enrolment_policy = EnrolmentPolicy.INVITATION
    police_course.save()
    assert not can_self_enrol(judge, police_course)

    def academy_members(user, course):
        return user.email == "judge@example.test"

    with hooks.register_temporarily(ENROLMENT_GRANTS_HOOK, academy_members):
        assert can_self_enrol(judge, police_course)


def test_prerequisite_course_must_be_completed_first(police_officer, police_course):
    advanced = build_course("advanced")
    advanced.required_courses.add(police_course)
    advanced.save()
    decision = can_self_enrol(police_officer, advanced)
    assert not decision and "first" in str(decision.reason)
    enrol(police_officer, police_course)
    for lesson in lessons_of(police_course):
        complete_lesson(police_officer, lesson)
    assert can_self_enrol(police_officer, advanced)


def test_withdraw_keeps_history_and_reenrol_reactivates(police_officer, police_course):
    enrolment, _ = enrol(police_officer, police_course)
    first = lessons_of(police_course)[0]
    complete_lesson(police_officer, first)
    _, changed = withdraw(police_officer, police_course)
    assert changed
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.WITHDRAWN and enrolment.withdrawn_at
    with pytest.raises(Refused):  # no progress while withdrawn
        complete_lesson(police_officer, lessons_of(police_course)[1])
    again, changed = enrol(police_officer, police_course)
    assert changed and again.pk == enrolment.pk and again.status == EnrolmentStatus.ACTIVE
    assert LessonProgress.objects.get(enrolment=again, lesson=first).completed_at is not None
    assert StatementOutbox.objects.filter(user=police_officer, verb__endswith="/registered").count() == 2


def test_reenrolment_records_a_completion_already_earned(police_officer, police_course):
    enrolment, _ = enrol(police_officer, police_course)
    lessons = lessons_of(police_course)
    for lesson in lessons[:-1]:
        complete_lesson(police_officer, lesson)
    withdraw(police_officer, police_course)
    lessons[-1].specific.optional = True  # the rules changed while the officer was away
    lessons[-1].specific.save_revision().publish()
    assert not CourseCompletion.objects.filter(enrolment=enrolment).exists()
    again, changed = enrol(police_officer, police_course)
    assert changed and again.pk == enrolment.pk
    completion = CourseCompletion.objects.get(enrolment=enrolment)
    assert completion.cycle == 1 and completion.course_title == police_course.title


def test_new_enrolment_does_not_read_its_own_row_again(police_officer, police_course):
    with CaptureQueriesContext(connection) as captured:
        enrol(police_officer, police_course, check_policy=False)
    reads = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "learning_enrolment"')]
    assert reads == []


def test_bulk_enrol_reports_each_address(admin_user, police_officer, judge, officer, police_course):
    enrol(officer, police_course)
    withdraw(judge, police_course)  # nothing to withdraw: no enrolment yet
    enrol(judge, police_course, check_policy=False)
    withdraw(judge, police_course)
    report = bulk_enrol(
        ["POLICE@example.test", "judge@example.test", "officer@example.test", "nobody@example.test", ""],
        police_course,
        by=admin_user,
    )
    assert report.enrolled == ["police@example.test"]
    assert report.reactivated == ["judge@example.test"]
    assert report.already == ["officer@example.test"]
    assert report.unknown == ["nobody@example.test"]
    assert Enrolment.objects.filter(course=police_course, status=EnrolmentStatus.ACTIVE).count() == 3


def test_admin_enrol_view_is_for_administrators_only(client, police_officer, trainer, admin_user, police_course):
    url = reverse("learning_enrol")
    client.force_login(trainer)
    assert client.get(url).status_code in (302, 403)
    client.force_login(admin_user)
    assert client.get(url).status_code == 200
    response = client.post(url, {"course": police_course.pk, "emails": "police@example.test, bad@example.test"})
    assert response.status_code == 302
    assert Enrolment.objects.get(user=police_officer, course=police_course).source == EnrolmentSource.ADMIN
    assert client.post(url, {"course": police_course.pk, "emails": "not-an-address"}).status_code == 200


def test_admin_enrol_view_figures_cost_one_query_for_all_courses(
    client, admin_user, police_officer, police_course, django_assert_max_num_queries
):
    enrol(police_officer, police_course)
    client.force_login(admin_user)
    client.get(reverse("learning_enrol"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("learning_enrol")).status_code == 200
    for n in range(3):
        enrol(police_officer, build_course(f"figures-{n}"), check_policy=False)
    with django_assert_max_num_queries(len(few)):
        html = client.get(reverse("learning_enrol")).content.decode()
    assert "Course figures-2" in html


def test_enrol_view_post_only_with_csrf(police_officer, police_course):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(police_officer)
    url = reverse("learning:enrol", args=[police_course.pk])
    response = client.get(url)
    assert response.status_code == 405 and "POST" in response.content.decode()
    assert client.post(url).status_code == 403  # no CSRF token
    assert not Enrolment.objects.exists()
    page = client.get(police_course.url)
    token = page.context["csrf_token"]
    assert f'action="{url}"' in page.content.decode()
    response = client.post(url, {"csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302 and response["Location"] == police_course.url
    assert Enrolment.objects.filter(user=police_officer, course=police_course).exists()


def test_enrol_view_goes_back_only_to_this_site(client, police_officer, police_course):
    client.force_login(police_officer)
    url = reverse("learning:enrol", args=[police_course.pk])
    assert client.post(url, {"next": "https://evil.example/"})["Location"] == police_course.url
    assert client.post(f"{url}?next=/en/", {})["Location"] == police_course.url  # only the posted field counts
    assert client.post(url, {"next": "/en/"})["Location"] == "/en/"


def test_enrol_view_refuses_with_translated_reason(client, judge, police_course):
    police_course.enrolment_policy = EnrolmentPolicy.AUDIENCES
    police_course.save_revision().publish()
    client.force_login(judge)
    response = client.post(f"/fr/learning/courses/{police_course.pk}/enrol/")
    assert response.status_code == 403
    assert response.wsgi_request.LANGUAGE_CODE == "fr"
    assert not Enrolment.objects.exists()
    assert client.post("/en/learning/courses/999999/enrol/").status_code == 404


def test_anonymous_enrol_post_goes_to_login(client, police_course):
    response = client.post(reverse("learning:enrol", args=[police_course.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Enrolment.objects.exists()


def test_course_figures_count_an_enrolment_once_whatever_its_completions(police_course, police_officer):
    from django.utils import timezone

    from learning.enrolment import enrol
    from learning.figures import course_statistics, courses_statistics
    from learning.models import CourseCompletion

    enrolment, _created = enrol(police_officer, police_course, check_policy=False)
    for cycle in (1, 2):
        CourseCompletion.objects.create(
            enrolment=enrolment,
            user=police_officer,
            course=police_course,
            cycle=cycle,
            course_title="x",
            language="en",
            completed_at=timezone.now(),
            hours=1,
        )
    figures = course_statistics(police_course)
    assert (figures["enrolled"], figures["completed"]) == (1, 1)
    assert courses_statistics([police_course.pk])[police_course.pk] == figures
