"""Trainers set enrolment and completion rules in the Wagtail admin (required activities inline)."""

from decimal import Decimal

from learning.models import RequiredActivity
from tests.learning.conftest import lessons_of


def test_course_edit_form_has_the_learning_settings(client, admin_user, police_course):
    client.force_login(admin_user)
    response = client.get(f"/admin/pages/{police_course.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("enrolment_policy", "sequential", "required_courses", "minimum_minutes", "validity_months"):
        assert f'name="{name}"' in html
    assert "required_activities-TOTAL_FORMS" in html


def test_lesson_edit_form_has_completion_settings(client, admin_user, police_course):
    client.force_login(admin_user)
    html = client.get(f"/admin/pages/{lessons_of(police_course)[0].pk}/edit/").content.decode()
    assert 'name="optional"' in html and 'name="completion_mode"' in html


def test_required_activity_rows_are_published_with_the_course(admin_user, police_course, courses):
    quiz = lessons_of(courses[1])[0]
    police_course.required_activities.add(RequiredActivity(activity_page=quiz, minimum_score=Decimal("80")))
    revision = police_course.save_revision(user=admin_user)
    assert not RequiredActivity.objects.exists()  # a draft changes nothing for learners
    revision.publish()
    rule = RequiredActivity.objects.get()
    assert rule.course_id == police_course.pk and rule.minimum_score == Decimal("80")
