"""The permission matrix: role × academy × record family, through the records' permission policies
(``core.visibility.visible``, the viewer acting for academies), the views, the exports and the API.
Two academies; each has an officer with an enrolment, progress, a result, a completion and
(academy A) a certificate. Nobody may see across academies."""

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from academies import exports
from academies.tokens import create_token
from certificates.models import Certificate
from core.visibility import visible
from learning.models import ActivityResult, CourseCompletion, Enrolment, LessonProgress, Provenance, StatementOutbox
from organisations.access import MANAGE, InAcademy, academies_for
from organisations.models import Membership, Role
from tests.academies.conftest import make_user, record_completion

pytestmark = pytest.mark.django_db

MODELS = {
    "officers": Membership,
    "enrolments": Enrolment,
    "progress": LessonProgress,
    "results": ActivityResult,
    "completions": CourseCompletion,
    "certificates": Certificate,
    "statements": StatementOutbox,
}


def _in_academies(model):
    """What a viewer sees of ``model`` acting for their academies (or one of them)."""
    return lambda viewer, academy=None, action="view": visible(InAcademy(viewer, academy), model, action)


FAMILIES = {family: _in_academies(model) for family, model in MODELS.items()}


def _records_for(officer, course, lesson):
    completion = record_completion(officer, course)
    LessonProgress.objects.create(enrolment=completion.enrolment, lesson=lesson, completed_at=timezone.now())
    ActivityResult.objects.create(
        user=officer, page=lesson, score=Decimal(8), max_score=Decimal(10), passed=True, provenance=Provenance.SERVER
    )
    return completion


@pytest.fixture
def world(
    academy,
    other_academy,
    issued,
    member,
    academy_admin,
    trainer_a,
    admin_b,
    officer_b,
    superuser,
    police_course,
    first_lesson,
):
    """``issued`` gives academy A's officer (member) a completion and a certificate."""
    LessonProgress.objects.create(enrolment=issued.completion.enrolment, lesson=first_lesson)
    ActivityResult.objects.create(
        user=member,
        page=first_lesson,
        score=Decimal(9),
        max_score=Decimal(10),
        passed=True,
        provenance=Provenance.SERVER,
    )
    _records_for(officer_b, police_course, first_lesson)
    stranger = make_user("nobody@example.test")
    return {
        "superuser": superuser,
        "admin_a": academy_admin,
        "trainer_a": trainer_a,
        "officer_a": member,
        "admin_b": admin_b,
        "officer_b": officer_b,
        "stranger": stranger,
    }


def _owners(family, queryset):
    if family == "officers":
        return set(queryset.values_list("user__email", flat=True))
    if family == "progress":
        return set(queryset.values_list("enrolment__user__email", flat=True))
    return set(queryset.values_list("user__email", flat=True))


A, B = "daniel@example.test", "officer@nja.example.test"
EXPECTED = {  # who sees whose records (certificates: only academy A issued one)
    "superuser": {A, B},
    "admin_a": {A},
    "trainer_a": {A},
    "officer_a": set(),
    "admin_b": {B},
    "officer_b": set(),
    "stranger": set(),
}


@pytest.mark.parametrize("family", FAMILIES)
def test_matrix_through_the_policies(world, family, academy, other_academy):
    """Every role, for one record family (one test per family keeps the shared set-up cheap)."""
    for role, expected in EXPECTED.items():
        viewer = world[role]
        if family == "certificates":
            expected = expected & {A}
        assert _owners(family, FAMILIES[family](viewer)) == expected, role
        # Narrowing to one academy never widens.
        for one in (academy, other_academy):
            assert _owners(family, FAMILIES[family](viewer, academy=one)) <= expected, role


def test_manage_capability_is_for_administrators_only(world, academy, other_academy):
    for role in EXPECTED:
        managed = set(academies_for(world[role], MANAGE).values_list("slug", flat=True))
        expected = {
            "superuser": {academy.slug, other_academy.slug},
            "admin_a": {academy.slug},
            "admin_b": {other_academy.slug},
        }.get(role, set())
        assert managed == expected, role


def test_an_inactive_administrator_sees_nothing(world):
    admin = world["admin_a"]
    admin.is_active = False
    admin.save()
    assert not FAMILIES["completions"](admin).exists()


PAGES = [
    ("get", "/en/academies/{slug}/reports/", {"superuser", "admin_a", "trainer_a"}),
    ("get", "/en/academies/{slug}/officers/", {"superuser", "admin_a", "trainer_a"}),
    ("get", "/en/academies/{slug}/officers/{officer}/transcript.json", {"superuser", "admin_a", "trainer_a"}),
    ("get", "/en/academies/{slug}/import/", {"superuser", "admin_a"}),
    ("get", "/en/academies/{slug}/exports/", {"superuser", "admin_a"}),
]


@pytest.mark.parametrize(("method", "url", "allowed"), PAGES)
def test_matrix_through_the_views(client, world, academy, method, url, allowed):
    for role in EXPECTED:
        client.force_login(world[role])
        response = getattr(client, method)(url.format(slug=academy.slug, officer=world["officer_a"].pk))
        if role in allowed:
            assert response.status_code == 200, role
        else:
            assert response.status_code == 404, role
            assert b"Daniel" not in response.content, role


def test_no_transcript_of_another_academys_officer(client, world, academy, other_academy):
    client.force_login(world["admin_b"])
    # Admin B asks for officer A through B's academy: the officer does not exist there.
    url = f"/en/academies/{other_academy.slug}/officers/{world['officer_a'].pk}/transcript.json"
    assert client.get(url).status_code == 404
    client.force_login(world["admin_a"])
    data = json.loads(client.get(url.replace(other_academy.slug, academy.slug)).content)
    assert data["officer"]["email"] == A and len(data["completions"]) == 1 and len(data["certificates"]) == 1


def test_reports_show_only_the_academys_figures(client, world, academy):
    client.force_login(world["admin_b"])
    assert client.get(f"/en/academies/{academy.slug}/reports/").status_code == 404
    client.force_login(world["trainer_a"])
    page = client.get(f"/en/academies/{academy.slug}/reports/").content.decode()
    assert "<svg" in page and "Wanjiru" not in page


def test_exports_carry_only_the_academys_officers(world, academy, other_academy):
    for role, slug_academy, expected in (("admin_a", academy, A), ("admin_b", other_academy, B)):
        completions = FAMILIES["completions"](world[role], academy=slug_academy, action="export")
        rows = list(exports.iter_rows(completions, slug_academy, exports.Filters()))
        assert [row[2] for row in rows] == [expected]
        # Asking for the other academy gives nothing.
        other = other_academy if slug_academy == academy else academy
        assert not FAMILIES["completions"](world[role], academy=other, action="export").exists()


def test_a_trainer_cannot_export(client, world, academy):
    client.force_login(world["trainer_a"])
    assert client.post(f"/en/academies/{academy.slug}/exports/", {"format": "csv"}).status_code == 404


def test_the_api_sees_only_its_academy(client, world, academy, other_academy):
    _token, raw_b = create_token(
        other_academy, "HR", ["officers", "enrolments", "progress", "completions", "certificates"]
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw_b}"}
    for family in ("officers", "enrolments", "progress", "completions", "certificates"):
        body = client.get(f"/api/v1/{family}", **auth).json()
        text = json.dumps(body)
        assert A not in text and str(world["officer_a"].pk) not in [str(r.get("officer_id")) for r in body["results"]]
    officers = client.get("/api/v1/officers", **auth).json()["results"]
    assert [o["email"] for o in officers] == [B]
    assert client.get("/api/v1/certificates", **auth).json()["count"] == 0


def test_an_administrator_who_is_also_an_officer_elsewhere(world, academy, other_academy):
    """Being an officer of B gives admin A nothing of B's records."""
    Membership.objects.create(academy=other_academy, user=world["admin_a"], role=Role.OFFICER)
    assert _owners("completions", FAMILIES["completions"](world["admin_a"])) == {A}
