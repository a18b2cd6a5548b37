"""No 5xx from client input: every JSON endpoint answers garbage with a 4xx (or an honest 2xx when the
garbage happens to be a valid request), never a server error.

Hypothesis drives the quiz autosave and submit, the attempt form, lesson completion and the other
learner actions (JSON refusals), verification (code, surname, credential), the certificate choice,
the language switch and the academy export status. The H5P results endpoint has its own property
test (tests/h5p). The academy API is covered by schemathesis (tests/academies/test_api.py).
"""

import re
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Attempt
from core.params import MAX_INT32
from learning.api import enrol
from tests.assessments.conftest import add_quiz, make_question
from tests.fuzzing import EDGE_INTEGERS, form_data, form_scalars, json_values

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
JSON = {"HTTP_ACCEPT": "application/json"}
VALID_SEQUENCE = re.compile(r"\s*\+?[0-9]{1,12}\s*")


def has_nul(data):
    """Whether any key or value of a form body holds a NUL character."""
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        if values and any("\x00" in text for text in [key, *values]):  # a key with no value is not sent
            return True
    return False


def no_server_error(response):
    assert response.status_code < 500, (response.status_code, response.content[:500])
    return response


@pytest.fixture
def learner(officer, police_course):
    enrol(officer, police_course, check_policy=False)
    client = Client()
    client.force_login(officer)
    return client


@pytest.fixture
def every_type_quiz(police_course, db):
    from assessments.models import QuestionCategory
    from courses.models import ModulePage

    category = QuestionCategory.objects.create(name_en="Fuzz", name="Fuzz", slug="fuzz")
    module = ModulePage.objects.child_of(police_course).order_by("path").first()
    questions = [
        make_question(category, "Single", choices=(("Hash value", 1), ("Photo", 0))),
        make_question(category, "Multiple", qtype="multiple", choices=(("RAM", "0.5"), ("Disk", "-1"))),
        make_question(category, "Short", qtype="short", choices=(("write blocker", 1),)),
        make_question(category, "Numeric", qtype="numeric", choices=(("", 1, {"value": "4096.125"}),)),
        make_question(category, "Order", qtype="ordering", choices=(("first", 0), ("second", 0))),
        make_question(
            category,
            "Match",
            qtype="matching",
            choices=(("MD5", 0, {"match_text_en": "hash"}), ("Faraday bag", 0, {"match_text_en": "isolation"})),
        ),
        make_question(
            category, "Blanks", qtype="blanks", text="A [[1]] blocks.", choices=(("blocker", 1, {"blank": 1}),)
        ),
        make_question(category, "TF", qtype="truefalse", choices=(("True", 1), ("False", 0))),
    ]
    return add_quiz(module, [{"question": q} for q in questions], slug="fuzz-quiz", max_attempts=0)


def _route(quiz, name, attempt=None):
    kwargs = {"attempt_id": attempt.uuid} if attempt else {}
    return quiz.url + quiz.reverse_subpage(name, kwargs=kwargs)


def _answer_fields(attempt):
    """The form field names the attempt's questions read (q<position> and their sub-fields)."""
    names = ["sequence", "positions", "action", "page"]
    for item in attempt.items.all():
        key = f"q{item.position}"
        names += [key, f"{key}-b1", f"{key}-m1", f"{key}-m2", f"{key}-r1", f"{key}-r2"]
        names += [f"{key}-r{choice['id']}" for choice in item.version.data.get("choices", [])]
        names += [f"{key}-m{choice['id']}" for choice in item.version.data.get("choices", [])]
    return names


def _open_attempt(client, quiz, officer):
    Attempt.objects.filter(user=officer, quiz=quiz).delete()
    no_server_error(client.post(_route(quiz, "start_route")))
    return Attempt.objects.get(user=officer, quiz=quiz)


def test_quiz_autosave_answers_garbage_with_4xx(learner, officer, every_type_quiz):
    attempt = _open_attempt(learner, every_type_quiz, officer)
    save = _route(every_type_quiz, "save_route", attempt)

    @FUZZ
    @given(data=form_data(_answer_fields(attempt)))
    def check(data):
        before = Attempt.objects.get(pk=attempt.pk).sequence
        response = no_server_error(learner.post(save, data))
        sequence = data.get("sequence")
        sequence = sequence[-1] if isinstance(sequence, list) and sequence else sequence
        valid = (
            isinstance(sequence, str) and VALID_SEQUENCE.fullmatch(sequence) and before < int(sequence) <= MAX_INT32
        )
        if has_nul(data):
            assert response.status_code == 400  # refused before any view (core.middleware)
            assert Attempt.objects.get(pk=attempt.pk).sequence == before
        elif not valid:
            assert response.status_code == 409, (data, response.status_code)
            assert Attempt.objects.get(pk=attempt.pk).sequence == before  # nothing changed
        else:
            assert response.status_code == 200
            assert response.json()["sequence"] == int(sequence)
        Attempt.objects.filter(pk=attempt.pk).update(sequence=0)

    check()
    # The probe from the issue: a sequence number of 2**63 was a 500.
    response = learner.post(save, {"sequence": str(2**63), "positions": ["1"], "q1": "1"})
    assert response.status_code == 409 and response.json()["reason"] == "stale"


def test_quiz_form_and_submit_answer_garbage_without_5xx(learner, officer, every_type_quiz):
    attempt = _open_attempt(learner, every_type_quiz, officer)
    fields = _answer_fields(attempt)

    @FUZZ
    @given(data=form_data(fields), submit=st.booleans(), page=form_scalars())
    def check(data, submit, page):
        current = Attempt.objects.get(user=officer, quiz=every_type_quiz, state="in_progress")
        if submit:
            no_server_error(learner.post(_route(every_type_quiz, "submit_route", current), data))
            _open_attempt(learner, every_type_quiz, officer)
        else:
            url = _route(every_type_quiz, "attempt_route", current) + "?page=" + quote(page, safe="")
            no_server_error(learner.post(url, data))
            no_server_error(learner.get(url))

    check()


def test_lesson_completion_and_enrolment_answer_garbage_with_4xx(learner, first_lesson, police_course):
    ids = st.one_of(st.sampled_from([n for n in EDGE_INTEGERS if n >= 0]), st.integers(min_value=0, max_value=2**80))

    @FUZZ
    @given(lesson_id=ids, data=form_data(["next", "language"]), action=st.sampled_from(["complete", "enrol"]))
    def check(lesson_id, data, action):
        if action == "complete":
            url = f"/en/learning/lessons/{lesson_id}/complete/"
        else:
            url = f"/en/learning/courses/{lesson_id}/enrol/"
        response = no_server_error(learner.post(url, data, **JSON))
        if has_nul(data):
            assert response.status_code == 400
        elif lesson_id not in (first_lesson.pk, police_course.pk) and lesson_id <= MAX_INT32:
            assert response.status_code == 404 and response.json()["ok"] is False
        elif lesson_id > MAX_INT32:
            assert response.status_code == 404  # no such URL: <id:...> stops at what a database id holds
        no_server_error(learner.get(url, **JSON))  # 405 with a JSON body

    check()
    # The real lesson: garbage fields do not matter, the answer is JSON.
    response = learner.post(f"/en/learning/lessons/{first_lesson.pk}/complete/", {"next": "\u202e"}, **JSON)
    assert response.status_code == 200 and response.json()["ok"] is True


def test_verification_answers_garbage_with_4xx(client, db):
    @FUZZ
    @given(code=form_scalars(), surname=form_data(["surname"]), credential=json_values())
    def check(code, surname, credential):
        import json

        path = quote(code, safe="") or "-"
        response = no_server_error(client.get(f"/en/verify/{path}/?format=json"))
        if "/" in code or "\x00" in code:  # another page (a NUL, or a slash that leaves verify/<code>/)
            assert response.status_code in (400, 404)
        else:
            assert response.status_code in (200, 404, 400, 429) and "verdict" in response.json()
        no_server_error(client.post(f"/en/verify/{path}/?format=json", surname))
        response = no_server_error(
            client.post("/en/verify/?format=json", {"credential": json.dumps(credential)[:100_000]})
        )
        assert response.status_code in (200, 400, 429)
        no_server_error(client.get("/en/verify/", {"code": code}))

    with settings_override(CUSTODIA_VERIFY_LIMIT_PER_MINUTE=10**6):
        check()


def test_other_endpoints_answer_garbage_without_5xx(learner, client, db):
    @FUZZ
    @given(data=form_data(["completion", "accreditation", "language", "next"]), slug=form_scalars())
    def check(data, slug):
        no_server_error(learner.post("/en/certificates/choose/", data))
        no_server_error(client.post("/i18n/setlang/", data))
        path = quote(slug, safe="") or "-"
        no_server_error(client.get(f"/credentials/issuers/{path}/"))
        no_server_error(client.get(f"/credentials/issuers/{path}/jwks.json"))

    check()


def settings_override(**values):
    from django.test import override_settings

    return override_settings(**values)


def test_project_urls_take_ids_within_database_range():
    """Every project URL reads its ids with ``<id:...>`` (bounded), never Django's unbounded ``<int:...>``.

    Wagtail's own admin routes (its viewsets, also for our snippets) are Wagtail's: behind the admin's sign-in.
    """
    from django.urls.converters import IntConverter

    from tests.security.urlwalk import routes

    unbounded = [
        route.route
        for route in routes()
        if route.is_project_view
        and not route.route.startswith("admin/snippets/")
        and any(type(c) is IntConverter for c in route.converters.values())
    ]
    assert unbounded == []
    checked = [route.route for route in routes() if route.is_project_view and "<id:" in route.route]
    assert "<lang>/learning/lessons/<id:lesson_id>/complete/" in [r.replace("en/", "<lang>/", 1) for r in checked]
