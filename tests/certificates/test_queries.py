"""Query counts: what "My certificates" offers to request does not cost queries per completion."""

from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.models import Accreditation
from certificates.services import (
    automatic_accreditations,
    choosable_accreditations,
    choosable_for_user,
    issue_certificate,
)
from learning.models import CourseCompletion
from organisations.models import Membership, Role
from tests.certificates.conftest import record_completion

pytestmark = pytest.mark.django_db


def _accredit(academy, course, number, *, open_to_all=False):
    return Accreditation.objects.create(
        academy=academy,
        course=course,
        number=number,
        contact_hours=Decimal("6.0"),
        valid_from=timezone.localdate() - timezone.timedelta(days=30),
        open_to_all=open_to_all,
    )


@pytest.fixture
def two_completions(officer, courses, academy, other_academy):
    """The officer (a member of ``other_academy`` only) completed both courses; each course is accredited
    by both academies, ``academy`` open to all."""
    Membership.objects.create(academy=other_academy, user=officer, role=Role.OFFICER)
    accreditations = {}
    for index, course in enumerate(courses[:2]):
        accreditations[course.pk] = [
            _accredit(academy, course, f"OPEN-{index}", open_to_all=True),
            _accredit(other_academy, course, f"MEMBER-{index}"),
        ]
    completions = [record_completion(officer, course) for course in courses[:2]]
    return completions, accreditations


def test_choosable_for_user_takes_four_queries_whatever_the_number_of_completions(
    officer, two_completions, django_assert_num_queries
):
    completions, accreditations = two_completions
    issue_certificate(completions[0], accreditations[completions[0].course_id][1])  # no longer choosable
    with django_assert_num_queries(4):  # completions, accreditations, memberships, issued certificates
        choices = choosable_for_user(officer)
    expected = [  # what the page offered when it asked completion by completion
        (completion, accreditation)
        for completion in CourseCompletion.objects.filter(user=officer, course__isnull=False)
        for accreditation in choosable_accreditations(completion)
    ]
    assert len(choices) == 3
    assert [(c.pk, a.pk) for c, a in choices] == [(c.pk, a.pk) for c, a in expected]


def test_automatic_accreditations_ask_for_memberships_once(two_completions, other_academy, django_assert_num_queries):
    completions, _accreditations = two_completions
    with django_assert_num_queries(2):  # accreditations in force, the officer's memberships
        automatic = automatic_accreditations(completions[0])
    assert [accreditation.academy for accreditation in automatic] == [other_academy]


def test_my_certificates_page_queries_do_not_grow_with_completions(
    client, officer, two_completions, django_assert_max_num_queries
):
    client.force_login(officer)
    completions, _accreditations = two_completions
    with django_assert_max_num_queries(100) as with_two:
        page = client.get("/en/certificates/")
    assert page.content.decode().count("Request this certificate") == 4
    completions[1].delete()
    with django_assert_max_num_queries(100) as with_one:
        page = client.get("/en/certificates/")
    assert page.content.decode().count("Request this certificate") == 2
    assert len(with_two.captured_queries) == len(with_one.captured_queries)
