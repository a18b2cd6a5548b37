"""The block on a lesson, the launch document, content-addressed files, resume state and results under launches."""

import gzip
import json
import re
from datetime import timedelta
from decimal import Decimal

import brotli
import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone, translation

from h5p.models import H5PLibrary, H5PResult, H5PUserData, LibraryStatus
from h5p.services import import_package
from learning import launch as launches
from learning.enrolment import enrol
from learning.models import ActivityResult, Launch, Provenance, StatementOutbox
from tests.h5p.conftest import (
    CONTENT,
    ORIGIN,
    build_zip,
    frame_of,
    launched,
    lesson_url,
    open_launch,
    put_block,
    tiny_entries,
)

pytestmark = pytest.mark.django_db


# The block on the lesson page ----------------------------------------------------------------------------------
def test_enrolled_officer_gets_a_launch_on_the_content_origin_and_nothing_is_written(setup, officer, tiny):
    client, lesson = setup
    response = client.get(lesson_url(lesson))
    src, token, _csrf = frame_of(response.content.decode())
    assert src == f"{ORIGIN}/h5p/launch/{token}/"
    data = signing.loads(token, salt=launches.LAUNCH_SALT)
    assert (data["u"], data["p"], data["a"], data["k"], data["c"], data["v"]) == (
        officer.pk,
        lesson.pk,
        "block-1",
        "h5p",
        tiny.sha256,
        False,
    )
    assert not Launch.objects.exists()  # a lesson view writes no launch: the frame's first request does
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


def test_without_a_content_origin_the_block_says_so(setup, settings):
    client, lesson = setup
    settings.CUSTODIA_CONTENT_ORIGIN = ""
    html = client.get(lesson_url(lesson)).content.decode()
    assert "<iframe" not in html and "has not configured their content address" in html


# The launch document ----------------------------------------------------------------------------------------------
def test_launch_document_records_the_launch_once_and_is_never_cached(setup, officer, tiny, settings):
    settings.CUSTODIA_CONTENT_REQUIRE_COOKIE = True
    client, lesson = setup
    src, token, _csrf = frame_of(client.get(lesson_url(lesson)).content.decode())
    frame = Client()
    response, config = open_launch(frame, src)
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff" and "X-Frame-Options" not in response
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors http://testserver" in csp and "script-src 'self'" in csp and "object-src 'none'" in csp
    launch = Launch.objects.get()
    assert (launch.user, launch.page_id, launch.activity_id, launch.kind, launch.package) == (
        officer,
        lesson.pk,
        "block-1",
        "h5p",
        tiny.sha256,
    )
    cookie = response.cookies[launches.FILES_COOKIE]
    assert cookie["path"] == f"/h5p/content/{tiny.content_key}/" and cookie["httponly"]
    open_launch(frame, src)  # the frame reloads: the same launch
    assert Launch.objects.count() == 1
    options = config["options"]
    assert config["parentOrigin"] == "http://testserver"
    assert options["h5pJsonPath"] == f"{ORIGIN}/h5p/content/{tiny.content_key}"
    assert options["librariesPath"] == f"{ORIGIN}/h5p/libraries/{tiny.library_set}"
    assert options["frameJs"].startswith(f"{ORIGIN}/h5p/player/") and options["frameJs"].endswith("/frame.bundle.js")
    assert token not in json.dumps(options)  # the token is only in the launch document's own URL
    assert options["ajax"]["contentUserDataUrl"].endswith("/:contentId/:dataType/:subContentId")
    assert options["contentUserData"] == {"0": {"state": "false"}}  # nothing saved: no request for it
    assert options["user"]["mail"].endswith("@custodia.invalid")  # pseudonymous
    html = response.content.decode()
    assert f'href="{ORIGIN}/h5p/libraries/{tiny.library_set}/H5P.Tiny-1.0/tiny.js" as="script"' in html
    assert f'href="{ORIGIN}/h5p/content/{tiny.content_key}/content/content.json" as="fetch"' in html


def test_forged_and_expired_launches_and_the_platform_host_open_nothing(setup, settings):
    client, lesson = setup
    src, token, _csrf = frame_of(client.get(lesson_url(lesson)).content.decode())
    anonymous = Client()
    assert anonymous.get(src.removeprefix(ORIGIN)).status_code == 404  # the platform's host: no content paths
    assert anonymous.get(f"/h5p/launch/{token[:-2]}AA/", **CONTENT).status_code == 404
    settings.CUSTODIA_LAUNCH_MAX_AGE = -1
    assert anonymous.get(src.removeprefix(ORIGIN), **CONTENT).status_code == 404
    assert not Launch.objects.exists()


def test_repeat_views_use_the_same_file_urls(setup):
    """Only the launch document's URL changes between two views of the lesson: every file can stay cached."""
    client, lesson = setup
    first_src, _token, _csrf = frame_of(client.get(lesson_url(lesson)).content.decode())
    second_src, _token, _csrf = frame_of(client.get(lesson_url(lesson)).content.decode())
    assert first_src != second_src
    frame = Client()
    first = open_launch(frame, first_src)[0].content.decode()
    second = open_launch(frame, second_src)[0].content.decode()
    files = re.compile(r'<(?:link rel="preload"|script) [^>]*(?:href|src)="([^"]+)"')
    assert files.findall(first) == files.findall(second) and len(files.findall(first)) >= 6


# Files -------------------------------------------------------------------------------------------------------------
def get(client, path, **extra):
    response = client.get(path, **CONTENT, **extra)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_content_files_are_immutable_compressed_and_need_the_launch_cookie(setup, tiny, settings):
    settings.CUSTODIA_CONTENT_REQUIRE_COOKIE = True
    frame, _token, _csrf, _config = launched(setup)
    base = f"/h5p/content/{tiny.content_key}"
    response, body = get(frame, f"{base}/h5p.json", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    assert json.loads(body)["title"] == "Tiny package"
    stranger = Client()  # the same address without the launch's cookie
    assert get(stranger, f"{base}/h5p.json")[0].status_code == 404
    for bad in [
        f"{base}/content/../../../etc/passwd",
        f"{base}/content/content/%2e%2e/h5p.json",
        f"{base}/content/content/missing.json",
        f"{base}/library.json",
        f"/h5p/content/{'0' * 32}/h5p.json",
    ]:
        assert get(frame, bad)[0].status_code == 404, bad
    settings.CUSTODIA_CONTENT_REQUIRE_COOKIE = False  # a cross-site content origin: the address is the key
    assert get(stranger, f"{base}/h5p.json")[0].status_code == 200


def test_library_files_are_public_immutable_and_only_approved_versions(setup, tiny, django_assert_num_queries):
    frame, _token, _csrf, _config = launched(setup)
    url = f"/h5p/libraries/{tiny.library_set}/H5P.Tiny-1.0/tiny.js"
    anonymous = Client()  # library code is not secret: no cookie needed
    with django_assert_num_queries(1):
        response, body = get(anonymous, url)
    assert response.status_code == 200 and body == b"H5P.Tiny = function () {};"
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert get(anonymous, f"/h5p/libraries/{tiny.library_set}/H5P.Tiny-1.0/library.json")[0].status_code == 200
    for bad in [
        f"/h5p/libraries/{tiny.library_set}/H5P.Other-1.0/library.json",
        f"/h5p/libraries/{tiny.library_set}/H5P.Tiny-1.0/../H5P.Tiny-1.0/tiny.js",
        f"/h5p/libraries/{'0' * 24}/H5P.Tiny-1.0/tiny.js",
        f"/h5p/libraries/{tiny.library_set}/H5P.Tiny-1.0/",
    ]:
        assert get(anonymous, bad)[0].status_code == 404, bad
    for status in (LibraryStatus.BLOCKED, LibraryStatus.PENDING):
        H5PLibrary.objects.update(status=status)
        assert get(anonymous, url)[0].status_code == 404


def test_blocked_and_pending_libraries_stop_the_activity(setup):
    client, lesson = setup
    src, _token, _csrf = frame_of(client.get(lesson_url(lesson)).content.decode())
    H5PLibrary.objects.update(status=LibraryStatus.PENDING)
    assert "approves a new version of a library" in client.get(lesson_url(lesson)).content.decode()
    assert "awaiting approval" in Client().get(src.removeprefix(ORIGIN), **CONTENT).content.decode()
    H5PLibrary.objects.update(status=LibraryStatus.BLOCKED)
    assert "administrator has blocked" in client.get(lesson_url(lesson)).content.decode()


def test_player_files_carry_their_version_and_the_storage_fallback(setup):
    _frame, _token, _csrf, config = launched(setup)
    frame_js = config["options"]["frameJs"].removeprefix(ORIGIN)
    response, body = get(Client(), frame_js, HTTP_ACCEPT_ENCODING="br")
    if response.status_code == 404:
        pytest.skip("node_modules/h5p-standalone is not installed (run npm ci)")
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Encoding"] == "br"
    text = brotli.decompress(body).decode()
    assert text.index("sessionStorage") < text.index("H5PIntegration")  # the fallback runs before H5P core
    key = frame_js.split("/")[3]
    assert get(Client(), frame_js.replace(key, "0" * 16))[0].status_code == 404
    assert get(Client(), frame_js.replace("frame.bundle.js", "../package.json"))[0].status_code == 404
    assert get(Client(), f"/h5p/player/{key}/custodia/embed.js")[0].status_code == 200
    assert get(Client(), f"/h5p/player/{key}/custodia/missing.js")[0].status_code == 404


# Resume state ---------------------------------------------------------------------------------------------------
def test_resume_state_round_trip_under_the_launch(setup, officer, tiny):
    client, lesson = setup
    frame, _token, _csrf, config = launched(setup)
    url = config["options"]["ajax"]["contentUserDataUrl"].removeprefix(ORIGIN)
    url = url.replace(":contentId", str(tiny.pk)).replace(":dataType", "state").replace(":subContentId", "0")
    content = Client(enforce_csrf_checks=True)
    assert content.get(url, **CONTENT).json() == {"success": True, "data": False}
    saved = content.post(url, {"data": '{"answer": true}', "preload": "1", "invalidate": "0"}, **CONTENT)
    assert saved.json() == {"success": True}
    row = H5PUserData.objects.get()
    assert (row.user_id, row.page_id, row.block_id, row.data) == (officer.pk, lesson.pk, "block-1", '{"answer": true}')
    # The next launch hands the saved state to the player with the document: no request for it.
    _frame, _token, _csrf, config = launched(setup)
    assert config["options"]["contentUserData"] == {"0": {"state": '{"answer": true}'}}
    assert content.post(url, {"data": "a\x00b"}, **CONTENT).status_code == 400
    content.post(url, {"data": "0", "invalidate": "1"}, **CONTENT)
    assert not H5PUserData.objects.exists()
    assert content.get(url.replace("/state/", "/state/x"), **CONTENT).status_code == 404


# Results ---------------------------------------------------------------------------------------------------------
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
        json.dumps({"launch": token, "statement": data}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )


def test_results_are_scored_on_the_server_with_their_provenance(setup, officer, tiny):
    client, _lesson = setup
    _frame, token, csrf, _config = launched(setup)
    response = post_result(client, token, csrf, statement(1, 2, scaled=1.0))  # "scaled" lies: ignored
    assert response.status_code == 200, response.content
    assert response.json()["percent"] == "50.00" and response.json()["passed"] is False
    result = H5PResult.objects.get()
    assert (result.raw_score, result.max_score, result.percent) == (Decimal("1.00"), Decimal("2.00"), Decimal("50.00"))
    assert (result.user, result.package, result.block_id) == (officer, tiny, "block-1")
    launch = Launch.objects.get()
    assert result.launch == launch and launch.result_at is not None
    assert result.served_at == launch.served_at and result.seconds_taken == 0
    activity = ActivityResult.objects.get(uuid=result.activity_result_uuid)
    assert (activity.score, activity.max_score, activity.passed, activity.counts) == (
        Decimal("1.00"),
        Decimal("2.00"),
        False,
        True,
    )
    assert activity.provenance == Provenance.BROWSER and activity.activity_id == "h5p:block-1"
    assert activity.launch == launch and activity.seconds_taken == 0
    outbox = StatementOutbox.objects.get(event_key=f"result:{activity.uuid}", user=officer).statement
    provenance = outbox["result"]["extensions"]["http://testserver/xapi/extensions/provenance"]
    assert provenance == {"scored": "browser", "launch": str(launch.uuid), "served": launch.served_at.isoformat()}
    assert outbox["result"]["duration"] == "PT0H0M0S"
    # The answer offers a new attempt: a new launch token, nothing written yet.
    assert response.json()["next"]["src"] == f"{ORIGIN}/h5p/launch/{response.json()['next']['launch']}/"
    assert Launch.objects.count() == 1


def test_one_result_per_launch_and_a_new_attempt_is_a_new_launch(setup):
    client, _lesson = setup
    frame, token, csrf, _config = launched(setup)
    assert post_result(client, token, csrf, statement(1, 2)).status_code == 200
    again = post_result(client, token, csrf, statement(2, 2))  # the same launch: a replay
    assert again.status_code == 409 and "already recorded for this attempt" in again.json()["error"]
    assert H5PResult.objects.count() == 1 and ActivityResult.objects.count() == 1
    fresh = again.json()["next"]
    assert post_result(client, fresh["launch"], csrf, statement(2, 2)).status_code == 403  # not served yet
    open_launch(frame, fresh["src"])
    assert post_result(client, fresh["launch"], csrf, statement(2, 2)).json()["passed"] is True
    assert H5PResult.objects.count() == 2 and Launch.objects.filter(result_at__isnull=False).count() == 2


def test_results_sooner_than_the_activity_can_be_done_are_refused(officer, police_course, first_lesson, tiny):
    enrol(officer, police_course, check_policy=False)
    put_block(first_lesson, tiny, seconds=30)
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    _frame, token, csrf, _config = launched((client, first_lesson))
    early = post_result(client, token, csrf, statement(1, 1))
    assert early.status_code == 422 and "sooner than the activity can be done" in early.json()["error"]
    assert not H5PResult.objects.exists() and Launch.objects.get().result_at is None
    Launch.objects.update(served_at=timezone.now() - timedelta(seconds=31))
    assert post_result(client, token, csrf, statement(1, 1)).status_code == 200
    assert H5PResult.objects.get().seconds_taken >= 31


def test_a_result_needs_a_served_launch_of_this_officer(setup, officer, police_course):
    client, lesson = setup
    _src, unserved, csrf = frame_of(client.get(lesson_url(lesson)).content.decode())
    assert post_result(client, unserved, csrf, statement(1, 1)).status_code == 403  # content never served
    _frame, token, csrf, _config = launched(setup)
    assert post_result(client, "forged", csrf, statement(1, 1)).status_code == 403
    no_csrf = client.post(
        "/h5p/results/", json.dumps({"launch": token, "statement": statement(1, 1)}), content_type="application/json"
    )
    assert no_csrf.status_code == 403
    from accounts.models import User

    other = Client(enforce_csrf_checks=True)
    other.force_login(User.objects.create_user("other@example.test", "a-strong-pass-phrase"))
    other.get(lesson_url(lesson))
    assert post_result(other, token, other.cookies["csrftoken"].value, statement(1, 1)).status_code == 403
    from learning.enrolment import withdraw

    withdraw(officer, police_course)
    assert post_result(client, token, csrf, statement(1, 1)).status_code == 403
    assert not H5PResult.objects.exists() and not ActivityResult.objects.exists()
    assert Launch.objects.filter(result_at__isnull=False).count() == 0


def test_results_that_are_not_recorded(setup):
    client, _lesson = setup
    _frame, token, csrf, _config = launched(setup)
    assert post_result(client, token, csrf, statement(1, 1, parent=True)).status_code == 202  # sub-content
    assert post_result(client, token, csrf, statement(3, 2)).status_code == 202  # raw > max
    assert post_result(client, token, csrf, statement(1, 0)).status_code == 202  # no maximum
    assert post_result(client, token, csrf, statement("NaN", 2)).status_code == 202
    assert post_result(client, token, csrf, statement(0.001, 0.004)).status_code == 202  # rounds to nothing
    assert not H5PResult.objects.exists() and Launch.objects.get().result_at is None


def test_trainer_previews_record_nothing(trainer, first_lesson, tiny):
    put_block(first_lesson, tiny, seconds=0)
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainer)
    html = client.get(lesson_url(first_lesson)).content.decode()
    assert "Preview: you are not enrolled" in html
    _frame, token, csrf, _config = launched((client, first_lesson))
    response = post_result(client, token, csrf, statement(1, 1))
    assert response.status_code == 202 and response.json()["recorded"] is False
    assert not H5PResult.objects.exists() and not ActivityResult.objects.exists()


def test_practice_blocks_do_not_count(officer, police_course, first_lesson, tiny):
    enrol(officer, police_course, check_policy=False)
    put_block(first_lesson, tiny, counts="practice", minimum=0, seconds=0)
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert "Practice activity" in client.get(lesson_url(first_lesson)).content.decode()
    _frame, token, csrf, _config = launched((client, first_lesson))
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
        data = signing.loads(frame_of(html)[1], salt=launches.LAUNCH_SALT)
        assert data["c"] == expected.sha256, language
        assert data["l"] == language  # the player's own strings follow the lesson's language
