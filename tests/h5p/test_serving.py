"""The block on a lesson, the content origin (token, host, headers, CSP), resume state and results."""

import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from elearning.languages import PLATFORM_LANGUAGES
from h5p.access import make_token, read_token
from h5p.models import H5PLibrary, H5PResult, H5PUserData, LibraryStatus
from h5p.services import import_package
from learning.enrolment import enrol
from learning.models import ActivityResult, Provenance, StatementOutbox
from tests.h5p.conftest import build_zip, tiny_entries

pytestmark = pytest.mark.django_db
CONTENT = {"HTTP_HOST": "content.localhost"}


def lesson_url(lesson, language="en"):
    return f"/{language}{lesson.url_path.removeprefix('/catalogue')}"


def put_block(lesson, package, *, counts="counts", minimum=60, translations=()):
    raw = [
        {
            "type": "h5p",
            "id": "block-1",
            "value": {
                "title": "",
                "package": package.pk,
                "translations": [{"language": code, "package": pkg.pk} for code, pkg in translations],
                "counts": counts,
                "minimum_score": minimum,
            },
        }
    ]
    for language in PLATFORM_LANGUAGES:
        setattr(lesson, f"body_{language.field_suffix}", raw)
    lesson.save_revision().publish()
    return lesson


@pytest.fixture
def tiny(db):
    package, _created = import_package(build_zip(tiny_entries()), name="tiny.h5p")
    return package


@pytest.fixture
def setup(officer, police_course, first_lesson, tiny):
    enrol(officer, police_course, check_policy=False)
    put_block(first_lesson, tiny)
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    return client, first_lesson


def frame_of(html):
    match = re.search(r'<iframe class="h5p-activity__frame" id="[^"]*" src="([^"]+)"', html)
    assert match, html
    token = re.search(r'data-h5p-token="([^"]+)"', html).group(1)
    csrf = re.search(r'data-h5p-csrf="([^"]+)"', html).group(1)
    return match.group(1), token, csrf


def test_enrolled_officer_gets_a_frame_on_the_content_origin(setup, officer, tiny):
    client, lesson = setup
    response = client.get(lesson_url(lesson))
    src, token, _csrf = frame_of(response.content.decode())
    assert src.startswith("http://content.localhost/h5p/embed/")
    grant = read_token(token)
    assert (grant.user_id, grant.page_id, grant.block_id, grant.package_id) == (
        officer.pk,
        lesson.pk,
        "block-1",
        tiny.pk,
    )
    assert grant.parent_origin == "http://testserver"
    assert "counts towards completing the course (minimum score 60%)" in response.content.decode()


def test_lesson_page_reuses_the_learner_state_for_the_block(setup, monkeypatch):
    from h5p.templatetags import h5p_tags

    def no_lookup(user, page):
        raise AssertionError("the lesson's learner state already says whether the officer is enrolled")

    monkeypatch.setattr(h5p_tags, "is_enrolled", no_lookup)
    client, lesson = setup
    html = client.get(lesson_url(lesson)).content.decode()
    frame_of(html)
    assert "Preview: you are not enrolled" not in html


def test_not_enrolled_and_anonymous_see_no_frame(officer, first_lesson, tiny, client):
    put_block(first_lesson, tiny)
    assert "<iframe" not in client.get(lesson_url(first_lesson)).content.decode()
    client.force_login(officer)
    html = client.get(lesson_url(first_lesson)).content.decode()
    assert "<iframe" not in html and "Enrol in the course to use this interactive activity" in html


def test_embed_page_headers_and_config(setup):
    client, lesson = setup
    src, token, _csrf = frame_of(client.get(lesson_url(lesson)).content.decode())
    anonymous = Client()  # the content origin has no session: the token is the credential
    response = anonymous.get(src.removeprefix("http://content.localhost"), **CONTENT)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors http://testserver" in csp and "script-src 'self'" in csp and "object-src 'none'" in csp
    assert "X-Frame-Options" not in response
    config = json.loads(
        re.search(r'id="h5p-config" type="application/json">(.*?)</script>', response.content.decode()).group(1)
    )
    options = config["options"]
    assert config["parentOrigin"] == "http://testserver"
    assert options["h5pJsonPath"] == f"http://content.localhost/h5p/c/{token}/content"
    assert options["librariesPath"] == f"http://content.localhost/h5p/c/{token}/libraries"
    assert options["ajax"]["contentUserDataUrl"].endswith("/user-data/:contentId/:dataType/:subContentId")
    assert options["user"]["mail"].endswith("@custodia.invalid")  # pseudonymous
    # The platform's origin does not serve content; a forged token is refused.
    assert anonymous.get(src.removeprefix("http://content.localhost")).status_code == 404
    assert anonymous.get(f"/h5p/embed/{token}x/", **CONTENT).status_code == 404


def test_content_and_library_files(setup, settings):
    client, lesson = setup
    _src, token, _csrf = frame_of(client.get(lesson_url(lesson)).content.decode())
    anonymous = Client()
    base = f"/h5p/c/{token}"
    response = anonymous.get(f"{base}/content/h5p.json", **CONTENT)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    assert json.loads(b"".join(response.streaming_content))["title"] == "Tiny package"
    response = anonymous.get(f"{base}/libraries/H5P.Tiny-1.0/tiny.js", **CONTENT)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert anonymous.get(f"{base}/libraries/H5P.Tiny-1.0/library.json", **CONTENT).status_code == 200
    for bad in [
        f"{base}/content/../../../etc/passwd",
        f"{base}/content/content/%2e%2e/h5p.json",
        f"{base}/libraries/H5P.Other-1.0/library.json",
        f"{base}/libraries/H5P.Tiny-1.0/../H5P.Tiny-1.0/tiny.js",
        f"{base}/content/content/missing.json",
    ]:
        assert anonymous.get(bad, **CONTENT).status_code == 404, bad
    # An expired token opens nothing.
    settings.H5P_TOKEN_MAX_AGE = -1
    assert anonymous.get(f"{base}/content/h5p.json", **CONTENT).status_code == 404


def test_blocked_library_is_not_served(setup):
    client, lesson = setup
    _src, token, _csrf = frame_of(client.get(lesson_url(lesson)).content.decode())
    H5PLibrary.objects.update(status=LibraryStatus.BLOCKED)
    assert Client().get(f"/h5p/c/{token}/libraries/H5P.Tiny-1.0/tiny.js", **CONTENT).status_code == 404
    assert "administrator has blocked" in client.get(lesson_url(lesson)).content.decode()


def test_a_library_file_costs_two_queries_and_only_its_own_block_counts(setup, django_assert_num_queries):
    client, lesson = setup
    _src, token, _csrf = frame_of(client.get(lesson_url(lesson)).content.decode())
    url = f"/h5p/c/{token}/libraries/H5P.Tiny-1.0/tiny.js"
    H5PLibrary.objects.create(machine_name="H5P.Tiny", major_version=2, minor_version=0, status=LibraryStatus.BLOCKED)
    anonymous = Client()
    with django_assert_num_queries(2) as queries:  # the package (without its h5p.json), is the library blocked
        assert anonymous.get(url, **CONTENT).status_code == 200
    assert "h5p_json" not in queries.captured_queries[0]["sql"]
    H5PLibrary.objects.filter(major_version=1).update(status=LibraryStatus.BLOCKED)
    assert anonymous.get(url, **CONTENT).status_code == 404


def test_player_files_come_from_node_modules():
    response = Client().get("/h5p/player/main.bundle.js", **CONTENT)
    if response.status_code == 404:
        pytest.skip("node_modules/h5p-standalone is not installed (run npm ci)")
    assert response["Content-Type"].startswith("text/javascript") and response["X-Content-Type-Options"] == "nosniff"
    assert Client().get("/h5p/player/../package.json", **CONTENT).status_code == 404


def test_resume_state_round_trip(setup, officer, tiny):
    client, lesson = setup
    _src, token, _csrf = frame_of(client.get(lesson_url(lesson)).content.decode())
    anonymous = Client(enforce_csrf_checks=True)
    url = f"/h5p/c/{token}/user-data/{tiny.pk}/state/0"
    assert anonymous.get(url, **CONTENT).json() == {"success": True, "data": False}
    saved = anonymous.post(url, {"data": '{"answer": true}', "preload": "1", "invalidate": "0"}, **CONTENT)
    assert saved.json() == {"success": True}
    assert anonymous.get(url, **CONTENT).json() == {"success": True, "data": '{"answer": true}'}
    row = H5PUserData.objects.get()
    assert (row.user_id, row.page_id, row.block_id) == (officer.pk, lesson.pk, "block-1")
    anonymous.post(url, {"data": "0", "invalidate": "1"}, **CONTENT)
    assert not H5PUserData.objects.exists()


def statement(raw, maximum, *, scaled=None, parent=False):
    data = {
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "result": {"score": {"raw": raw, "max": maximum, "min": 0, "scaled": scaled if scaled is not None else 1}},
        "context": {},
    }
    if parent:
        data["context"]["contextActivities"] = {"parent": [{"id": "http://example.org/parent"}]}
    return data


def post_result(client, token, csrf, data):
    return client.post(
        "/h5p/results/",
        json.dumps({"token": token, "statement": data}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )


def test_results_are_scored_on_the_server_and_reported_to_learning(setup, officer, tiny):
    client, lesson = setup
    _src, token, csrf = frame_of(client.get(lesson_url(lesson)).content.decode())
    response = post_result(client, token, csrf, statement(1, 2, scaled=1.0))  # "scaled" lies: ignored
    assert response.status_code == 200, response.content
    assert response.json()["percent"] == "50.00" and response.json()["passed"] is False
    result = H5PResult.objects.get()
    assert (result.raw_score, result.max_score, result.percent) == (Decimal("1.00"), Decimal("2.00"), Decimal("50.00"))
    assert (result.user, result.package, result.page_id, result.block_id) == (officer, tiny, lesson.pk, "block-1")
    assert result.counts and not result.passed and result.minimum_score == 60
    activity = ActivityResult.objects.get(uuid=result.activity_result_uuid)
    assert (activity.score, activity.max_score, activity.passed, activity.counts) == (
        Decimal("1.00"),
        Decimal("2.00"),
        False,
        True,
    )
    assert activity.provenance == Provenance.BROWSER and activity.activity_id == "h5p:block-1"
    assert StatementOutbox.objects.filter(event_key=f"result:{activity.uuid}", user=officer).exists()
    assert post_result(client, token, csrf, statement(2, 2)).json()["passed"] is True


def test_results_that_are_not_recorded(setup, officer, police_course):
    client, lesson = setup
    _src, token, csrf = frame_of(client.get(lesson_url(lesson)).content.decode())
    assert post_result(client, token, csrf, statement(1, 1, parent=True)).status_code == 202  # sub-content
    assert post_result(client, token, csrf, statement(3, 2)).status_code == 202  # raw > max
    assert post_result(client, token, csrf, statement(1, 0)).status_code == 202  # no maximum
    assert post_result(client, token, csrf, statement("NaN", 2)).status_code == 202
    assert post_result(client, "forged", csrf, statement(1, 1)).status_code == 403
    no_csrf = client.post(
        "/h5p/results/", json.dumps({"token": token, "statement": statement(1, 1)}), content_type="application/json"
    )
    assert no_csrf.status_code == 403
    other = Client(enforce_csrf_checks=True)
    from accounts.models import User

    other.force_login(User.objects.create_user("other@example.test", "a-strong-pass-phrase"))
    other_csrf = frame_of_csrf(other, lesson)
    assert post_result(other, token, other_csrf, statement(1, 1)).status_code == 403  # someone else's token
    from learning.enrolment import withdraw

    withdraw(officer, police_course)
    assert post_result(client, token, csrf, statement(1, 1)).status_code == 403
    assert not H5PResult.objects.exists() and not ActivityResult.objects.exists()


def frame_of_csrf(client, lesson):
    client.get(lesson_url(lesson))
    return client.cookies["csrftoken"].value


def test_practice_blocks_do_not_count(officer, police_course, first_lesson, tiny):
    enrol(officer, police_course, check_policy=False)
    put_block(first_lesson, tiny, counts="practice", minimum=0)
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    html = client.get(lesson_url(first_lesson)).content.decode()
    assert "Practice activity" in html
    _src, token, csrf = frame_of(html)
    assert post_result(client, token, csrf, statement(0, 4)).status_code == 200
    activity = ActivityResult.objects.get()
    assert activity.counts is False and activity.passed is True


def test_officer_sees_the_package_in_their_language(officer, police_course, first_lesson, tiny):
    french, _created = import_package(
        build_zip(tiny_entries(**{"content/content.json": '{"text": "bonjour"}'})), name="tiny-fr.h5p"
    )
    enrol(officer, police_course, check_policy=False)
    put_block(first_lesson, tiny, translations=[("fr", french)])
    client = Client()
    client.force_login(officer)
    for language, expected in [("en", tiny), ("fr", french), ("ar", tiny)]:
        with translation.override(language):
            html = client.get(lesson_url(first_lesson, language)).content.decode()
        grant = read_token(frame_of(html)[1])
        assert grant.package_id == expected.pk, language
        assert grant.language == language  # the player's own strings follow the lesson's language


def test_tokens_are_bound_to_their_contents(officer, first_lesson, tiny):
    token = make_token(
        user=officer, page=first_lesson, block_id="b", package=tiny, language="en", parent_origin="http://x"
    )
    assert read_token(token).package_id == tiny.pk
    assert read_token(token[:-2] + "AA") is None
