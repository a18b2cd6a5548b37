"""An accreditation can count only server-graded activities: a completion met with a browser-scored (H5P)
result issues no certificate under it, and one under an accreditation without that rule."""

from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.models import Accreditation, Certificate
from certificates.services import NotAllowed, choosable_accreditations, issue_certificate
from courses.models import LessonPage
from learning.api import complete_lesson, enrol, record_activity_result
from learning.models import CourseCompletion, Provenance, RequiredActivity
from organisations.models import Membership, Role
from tests.certificates.conftest import make_academy

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_accreditations(academy, police_course):
    other = make_academy("nairobi-academy", name_en="Nairobi Police Academy")
    since = timezone.localdate() - timezone.timedelta(days=30)
    strict = Accreditation.objects.create(
        academy=academy,
        course=police_course,
        number="STRICT-1",
        contact_hours=Decimal("10"),
        valid_from=since,
        server_graded_only=True,
    )
    lenient = Accreditation.objects.create(
        academy=other, course=police_course, number="OPEN-1", contact_hours=Decimal("10"), valid_from=since
    )
    return strict, lenient


def complete_with(member, course, provenance):
    """Every lesson done and the required activity passed with a result of ``provenance``; the completion."""
    activity_page = LessonPage.objects.descendant_of(course).live().order_by("path").first()
    RequiredActivity.objects.create(course=course, activity_page=activity_page, minimum_score=Decimal("50"))
    enrol(member, course, check_policy=False)
    record_activity_result(
        member, activity_page, score=Decimal("9"), max_score=Decimal("10"), passed=True, provenance=provenance
    )
    for lesson in LessonPage.objects.descendant_of(course).live().order_by("path"):
        complete_lesson(member, lesson)
    return CourseCompletion.objects.get(user=member, course=course)


def test_a_browser_scored_activity_does_not_count_for_a_server_graded_accreditation(
    member, police_course, two_accreditations, django_capture_on_commit_callbacks
):
    strict, lenient = two_accreditations
    Membership.objects.create(academy=lenient.academy, user=member, role=Role.OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        completion = complete_with(member, police_course, Provenance.BROWSER)
    assert completion.graded_on_server is False
    assert list(Certificate.objects.values_list("accreditation__number", flat=True)) == ["OPEN-1"]
    assert choosable_accreditations(completion) == []
    with pytest.raises(NotAllowed):
        issue_certificate(completion, strict)
    assert Certificate.objects.count() == 1


def test_a_server_graded_activity_counts_for_both(
    member, police_course, two_accreditations, django_capture_on_commit_callbacks
):
    strict, lenient = two_accreditations
    Membership.objects.create(academy=lenient.academy, user=member, role=Role.OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        completion = complete_with(member, police_course, Provenance.SERVER)
    assert completion.graded_on_server is True
    assert sorted(Certificate.objects.values_list("accreditation__number", flat=True)) == ["OPEN-1", "STRICT-1"]


def test_completions_of_unknown_grading_are_refused_only_by_the_strict_rule(member, police_course, two_accreditations):
    strict, lenient = two_accreditations
    from tests.certificates.conftest import record_completion

    completion = record_completion(member, police_course)  # recorded before the rule existed: unknown
    assert completion.graded_on_server is None
    assert not strict.accepts(completion) and lenient.accepts(completion)
