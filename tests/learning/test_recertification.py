"""Validity periods: expiry, "expiring soon"/"expired" on the dashboard, renewal as a new cycle."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.expiry import add_months
from core.refusals import Refused
from learning.enrolment import enrol, start_new_cycle
from learning.models import ActivityResult, CourseCompletion, Enrolment, Provenance, RequiredActivity
from learning.progress import complete_lesson
from learning.results import record_activity_result
from tests.learning.conftest import lessons_of


@pytest.fixture
def yearly_course(police_course):
    police_course.validity_months = 12
    police_course.save()
    return police_course


def complete_all(user, course):
    for lesson in lessons_of(course):
        complete_lesson(user, lesson)
    return CourseCompletion.objects.filter(user=user).order_by("-cycle").first()


def age_completion(completion, *, expires_in_days):
    """Move a completion's expiry (a snapshot: only tests reach behind it)."""
    CourseCompletion.objects.filter(pk=completion.pk).update(
        expires_at=timezone.now() + timezone.timedelta(days=expires_in_days)
    )


def test_add_months_clamps_the_day():
    moment = datetime.datetime(2027, 1, 31, 12, tzinfo=datetime.UTC)
    assert add_months(moment, 1).date().isoformat() == "2027-02-28"
    assert add_months(moment, 12).date().isoformat() == "2028-01-31"
    assert add_months(moment, 25).date().isoformat() == "2029-02-28"


def test_renewal_refused_while_completion_is_valid_for_long(police_officer, yearly_course):
    enrol(police_officer, yearly_course)
    complete_all(police_officer, yearly_course)
    with pytest.raises(Refused):
        start_new_cycle(police_officer, yearly_course)


def test_no_renewal_without_validity_period(police_officer, police_course):
    enrol(police_officer, police_course)
    completion = complete_all(police_officer, police_course)
    assert completion.expires_at is None
    with pytest.raises(Refused):
        start_new_cycle(police_officer, police_course)


def test_expired_completion_is_renewed_in_a_new_cycle(client, police_officer, yearly_course):
    enrolment, _ = enrol(police_officer, yearly_course)
    first = complete_all(police_officer, yearly_course)
    first_registration = enrolment.registration
    age_completion(first, expires_in_days=-1)

    client.force_login(police_officer)
    html = client.get(reverse("learning:dashboard")).content.decode()
    assert "To renew" in html and "Expired on" in html

    response = client.post(reverse("learning:renew", args=[yearly_course.pk]))
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.cycle == 2 and enrolment.registration != first_registration
    assert enrolment.seconds_spent == 0
    # A replayed renewal does not start a third cycle.
    assert client.post(reverse("learning:renew", args=[yearly_course.pk])).status_code == 403
    assert Enrolment.objects.get(pk=enrolment.pk).cycle == 2
    # The new cycle starts from zero; the old completion stays.
    html = client.get(yearly_course.url).content.decode()
    assert "0 of 4 lessons completed (0%)" in html
    second = complete_all(police_officer, yearly_course)
    assert second.cycle == 2 and second.pk != first.pk
    assert CourseCompletion.objects.filter(user=police_officer).count() == 2
    assert CourseCompletion.objects.filter(pk=first.pk).exists()
    html = client.get(reverse("learning:dashboard")).content.decode()
    assert "To renew" not in html and html.count('class="completion"') == 2


def test_expiring_soon_is_shown_and_can_be_renewed(client, police_officer, yearly_course):
    enrol(police_officer, yearly_course)
    completion = complete_all(police_officer, yearly_course)
    age_completion(completion, expires_in_days=20)
    client.force_login(police_officer)
    html = client.get(reverse("learning:dashboard")).content.decode()
    assert "Expiring soon" in html
    start_new_cycle(police_officer, yearly_course)


def test_results_from_an_earlier_cycle_do_not_count(police_officer, yearly_course, courses):
    quiz = lessons_of(courses[1])[0]
    RequiredActivity.objects.create(course=yearly_course, activity_page=quiz, minimum_score=50)
    enrol(police_officer, yearly_course)
    record_activity_result(police_officer, quiz, score=9, max_score=10, passed=True, provenance=Provenance.SERVER)
    first = complete_all(police_officer, yearly_course)
    assert first is not None
    age_completion(first, expires_in_days=-1)
    ActivityResult.objects.update(occurred_at=timezone.now() - timezone.timedelta(days=400))
    start_new_cycle(police_officer, yearly_course)
    assert complete_all(police_officer, yearly_course).cycle == 1  # the quiz must be passed again
    record_activity_result(police_officer, quiz, score=8, max_score=10, passed=True, provenance=Provenance.SERVER)
    assert CourseCompletion.objects.filter(user=police_officer, cycle=2).exists()
