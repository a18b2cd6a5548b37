"""learning.launch: launch tokens and records, results once per launch, the files cookie, the content host."""

import gzip
import threading
import time
import uuid
from datetime import timedelta

import brotli
import pytest
from django.core import signing
from django.db import connection, connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from learning import launch as launches
from learning.checks import content_origin_isolated
from learning.content_files import PRIVATE_IMMUTABLE, PUBLIC_IMMUTABLE, file_response
from learning.launch import ResultRefused, claim_result, issue, redeem
from learning.models import Launch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _origins(settings):
    settings.CUSTODIA_CONTENT_ORIGIN = "http://content.example.test"
    settings.WAGTAILADMIN_BASE_URL = "http://learn.example.test/"
    settings.ALLOWED_HOSTS = ["testserver", "content.example.test", "learn.example.test"]


def ticket_for(user, page, **extra):
    fields = {"activity_id": "block-1", "kind": "h5p", "package": "a" * 64, "language": "fr"} | extra
    return issue(user=user, page=page, **fields)


def test_urls_come_from_settings_not_from_the_request(settings):
    assert launches.public_url("/en/") == "http://learn.example.test/en/"
    assert launches.content_url("/h5p/x") == "http://content.example.test/h5p/x"
    settings.CUSTODIA_PUBLIC_URL = "https://public.example.test/path/"
    assert launches.public_origin() == "https://public.example.test"
    settings.CUSTODIA_CONTENT_ORIGIN = ""
    assert launches.content_url("/x") == "/x" and launches.content_origin() == ""


def test_issuing_writes_nothing_and_redeeming_records_one_launch(officer, first_lesson, django_assert_num_queries):
    with django_assert_num_queries(0):
        ticket = ticket_for(officer, first_lesson)
    before = timezone.now()
    first = redeem(ticket.token, kind="h5p")
    again = redeem(ticket.token, kind="h5p")  # the frame reloaded: the same launch
    assert first.pk == again.pk and Launch.objects.count() == 1
    row = Launch.objects.get()
    assert row.uuid == ticket.launch_id
    assert (row.user, row.page_id, row.activity_id, row.kind, row.package, row.language, row.preview) == (
        officer,
        first_lesson.pk,
        "block-1",
        "h5p",
        "a" * 64,
        "fr",
        False,
    )
    assert row.issued_at <= row.served_at and before - timedelta(seconds=2) <= row.served_at <= timezone.now()
    assert row.result_at is None


def test_forged_expired_and_other_kinds_are_not_redeemed(officer, first_lesson, settings):
    ticket = ticket_for(officer, first_lesson)
    assert redeem(ticket.token[:-3] + "AAA", kind="h5p") is None
    assert redeem(ticket.token, kind="scorm") is None
    forged = signing.dumps({"n": uuid.uuid4().hex, "u": officer.pk, "p": first_lesson.pk}, salt="another-salt")
    assert redeem(forged, kind="h5p") is None
    settings.CUSTODIA_LAUNCH_MAX_AGE = -1
    assert redeem(ticket.token, kind="h5p") is None
    assert not Launch.objects.exists()


def test_session_tokens_name_their_launch_only(officer, first_lesson, settings):
    served = redeem(ticket_for(officer, first_lesson).token, kind="h5p")
    value = launches.session_token(served)
    assert launches.launch_for_session(value, kind="h5p") == served
    assert launches.launch_for_session(value, kind="scorm") is None
    assert launches.launch_for_session(value + "x", kind="h5p") is None
    settings.CUSTODIA_LAUNCH_SESSION_MAX_AGE = -1
    assert launches.launch_for_session(value, kind="h5p") is None


def test_results_need_a_served_launch_of_the_same_officer(officer, first_lesson):
    from accounts.models import User

    other = User.objects.create_user("other@example.test", "a-strong-pass-phrase")
    ticket = ticket_for(officer, first_lesson)
    assert launches.launch_for_result(ticket.token, user=officer, kind="h5p") is None  # never served
    served = redeem(ticket.token, kind="h5p")
    assert launches.launch_for_result(ticket.token, user=officer, kind="h5p") == served
    assert launches.launch_for_result(ticket.token, user=other, kind="h5p") is None
    assert launches.launch_for_result(ticket.token, user=officer, kind="scorm") is None


def claim(launch, **kwargs):
    with transaction.atomic():
        return claim_result(launch, **kwargs)


def test_one_result_per_launch_and_not_too_soon(officer, first_lesson, settings):
    served = redeem(ticket_for(officer, first_lesson).token, kind="h5p")
    with pytest.raises(ResultRefused) as refused:
        claim(served, min_seconds=30)
    assert refused.value.reason == ResultRefused.TOO_SOON and 29 <= refused.value.wait <= 31
    later = served.served_at + timedelta(seconds=31)
    assert claim(served, min_seconds=30, now=later).result_at == later
    assert Launch.objects.get().result_at == later
    with pytest.raises(ResultRefused) as refused:
        claim(Launch.objects.get(), min_seconds=0, now=later)
    assert refused.value.reason == ResultRefused.ALREADY_RECORDED
    stale = Launch.objects.get()
    stale.result_at = None  # an object loaded before the other request recorded its result
    with pytest.raises(ResultRefused) as refused:
        claim(stale, min_seconds=0, now=later)
    assert refused.value.reason == ResultRefused.ALREADY_RECORDED


def test_previews_and_old_launches_record_nothing(officer, first_lesson, settings):
    preview = redeem(ticket_for(officer, first_lesson, preview=True).token, kind="h5p")
    with pytest.raises(ResultRefused) as refused:
        claim(preview, min_seconds=0, now=preview.served_at + timedelta(minutes=1))
    assert refused.value.reason == ResultRefused.PREVIEW
    served = redeem(ticket_for(officer, first_lesson).token, kind="h5p")
    with pytest.raises(ResultRefused) as refused:
        claim(served, min_seconds=0, now=served.served_at + timedelta(seconds=launches.session_max_age() + 1))
    assert refused.value.reason == ResultRefused.EXPIRED
    assert not Launch.objects.filter(result_at__isnull=False).exists()


# The files cookie ---------------------------------------------------------------------------------
def test_files_cookie_is_scoped_short_lived_and_checked(officer, first_lesson, settings):
    settings.CUSTODIA_CONTENT_REQUIRE_COOKIE = True
    settings.CUSTODIA_CONTENT_COOKIE_MAX_AGE = 600
    served = redeem(ticket_for(officer, first_lesson).token, kind="h5p")
    response = launches.grant_files(HttpResponse(), served, "/h5p/content/key-1/")
    cookie = response.cookies[launches.FILES_COOKIE]
    assert cookie["path"] == "/h5p/content/key-1/" and cookie["max-age"] == 600
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
    factory = RequestFactory()

    def granted(path, value):
        request = factory.get(path, HTTP_HOST="content.example.test")
        request.COOKIES[launches.FILES_COOKIE] = value
        return launches.files_granted(request, path.rsplit("/", 1)[0] + "/")

    assert granted("/h5p/content/key-1/h5p.json", cookie.value)
    assert not granted("/h5p/content/key-2/h5p.json", cookie.value)  # another package
    assert not granted("/h5p/content/key-1/h5p.json", cookie.value + "x")
    assert not granted("/h5p/content/key-1/h5p.json", "")
    settings.CUSTODIA_CONTENT_COOKIE_MAX_AGE = -1
    assert not granted("/h5p/content/key-1/h5p.json", cookie.value)
    settings.CUSTODIA_CONTENT_REQUIRE_COOKIE = False  # cross-site content origin: no cookie can arrive
    assert granted("/h5p/content/key-2/h5p.json", "")


def test_files_cookie_on_https_is_sent_to_frames(officer, first_lesson, settings):
    settings.CUSTODIA_CONTENT_ORIGIN = "https://content.example.test"
    served = redeem(ticket_for(officer, first_lesson).token, kind="h5p")
    cookie = launches.grant_files(HttpResponse(), served, "/h5p/content/k/").cookies[launches.FILES_COOKIE]
    assert cookie["secure"] and cookie["samesite"] == "None"


# The content host ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/en/",
        "/en/accounts/login/",
        "/accounts/login/",
        "/admin/",
        "/admin/login/",
        "/h5p/results/",
        "/static/h5p/h5p-lesson.js",
        "/en/learning/",
        "/healthz",
        "/api/v1/officers",
        "/h5p/unknown/",
    ],
)
def test_the_content_host_answers_only_content_paths(path, client, courses):
    response = client.get(path, HTTP_HOST="content.example.test")
    assert response.status_code == 404, path
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Set-Cookie" not in response and not response.cookies
    assert client.post(path, {"email": "x"}, HTTP_HOST="content.example.test").status_code == 404


def test_the_platform_does_not_answer_content_paths(client, courses):
    assert client.get("/h5p/player/main.bundle.js").status_code == 404
    assert client.get("/h5p/player/main.bundle.js", HTTP_HOST="content.example.test").status_code in (200, 404)
    # Sign-in still works on the platform's host.
    assert client.get("/en/accounts/login/", HTTP_HOST="learn.example.test").status_code == 200


# Files: immutable caching and compression ----------------------------------------------------------
def test_file_response_caches_for_a_year_and_compresses(tmp_path, settings):
    settings.CUSTODIA_CONTENT_CACHE_DIR = str(tmp_path / "cache")
    script = tmp_path / "lib.js"
    script.write_text("var answer = 42;\n" * 400)
    factory = RequestFactory()

    def get(accept, path=script, **kwargs):
        response = file_response(factory.get("/x", HTTP_ACCEPT_ENCODING=accept), path, **kwargs)
        return response, b"".join(response.streaming_content)

    response, body = get("gzip, deflate, br, zstd", content_type="text/javascript; charset=utf-8")
    assert response["Content-Encoding"] == "br" and response["Cache-Control"] == PUBLIC_IMMUTABLE
    assert "Accept-Encoding" in response["Vary"] and int(response["Content-Length"]) == len(body)
    assert brotli.decompress(body) == script.read_bytes() and len(body) < script.stat().st_size / 10
    response, body = get("gzip;q=1.0, br;q=0", content_type="text/javascript", cache_control=PRIVATE_IMMUTABLE)
    assert response["Content-Encoding"] == "gzip" and gzip.decompress(body) == script.read_bytes()
    assert response["Cache-Control"] == PRIVATE_IMMUTABLE
    response, body = get("identity", content_type="text/javascript")
    assert "Content-Encoding" not in response and body == script.read_bytes()
    image = tmp_path / "photo.png"
    image.write_bytes(bytes(range(256)) * 8)
    response, body = get("br", path=image, content_type="image/png")
    assert "Content-Encoding" not in response and body == image.read_bytes()
    with pytest.raises(Exception) as missing:
        get("br", path=tmp_path / "missing.js", content_type="text/javascript")
    assert type(missing.value).__name__ == "Http404"


# Deployment checks ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("origin", "extra", "codes"),
    [
        ("", {}, ["learning.E001"]),
        ("https://learn.example.org", {}, ["learning.E002"]),
        ("https://learn.example.org:8443", {}, ["learning.E003"]),
        ("https://content.example.org", {"SESSION_COOKIE_DOMAIN": ".example.org"}, ["learning.E004"]),
        ("https://content.example.org", {"ALLOWED_HOSTS": ["learn.example.org"]}, ["learning.E005"]),
        ("https://content.example.net", {"CUSTODIA_CONTENT_REQUIRE_COOKIE": True}, ["learning.W002"]),
        ("https://content.example.org", {"CUSTODIA_CONTENT_REQUIRE_COOKIE": True}, []),
    ],
)
def test_deploy_checks_of_the_content_origin(settings, origin, extra, codes):
    settings.WAGTAILADMIN_BASE_URL = "https://learn.example.org"
    settings.ALLOWED_HOSTS = ["learn.example.org", "content.example.org", "content.example.net"]
    settings.CUSTODIA_CONTENT_ORIGIN = origin
    for name, value in extra.items():
        setattr(settings, name, value)
    assert [message.id for message in content_origin_isolated(None)] == codes


# Concurrency: two requests report a result under one launch at the same instant ------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_results_claim_a_launch_once(officer, first_lesson):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (real concurrent transactions); set DATABASE_URL=postgres://...")
    served = redeem(ticket_for(officer, first_lesson).token, kind="h5p")
    later = served.served_at + timedelta(seconds=60)
    barrier = threading.Barrier(6)
    outcomes = []

    def report():
        try:
            row = Launch.objects.get(pk=served.pk)
            barrier.wait()
            with transaction.atomic():
                claim_result(row, min_seconds=0, now=later)
                time.sleep(0.05)  # hold the transaction open while the others try
            outcomes.append("recorded")
        except ResultRefused as refused:
            outcomes.append(refused.reason)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=report) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["already-recorded"] * 5 + ["recorded"]
