"""H5P in a real browser: the lesson on 127.0.0.1 frames content from localhost (another site, where the
browser blocks the frame's storage and cookies), and on learn.localhost from content.learn.localhost (the
same site, where the package files need the launch's cookie). Answers reach the database under launches."""

import re

import pytest
from django.test import Client

from elearning.languages import PLATFORM_LANGUAGES
from h5p.models import H5PResult
from h5p.services import import_package
from learning.enrolment import enrol
from learning.models import ActivityResult, Launch
from tests.h5p.conftest import fixture_package


def live_origins(settings, live_server, tmp_path, platform_host, content_host, *, require_cookie=False):
    port = re.search(r":(\d+)$", live_server.url).group(1)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CUSTODIA_CONTENT_ORIGIN = f"http://{content_host}:{port}"
    settings.CUSTODIA_CONTENT_REQUIRE_COOKIE = require_cookie
    settings.ALLOWED_HOSTS = [platform_host, content_host]
    settings.WAGTAILADMIN_BASE_URL = f"http://{platform_host}:{port}"
    return f"http://{platform_host}:{port}", settings.CUSTODIA_CONTENT_ORIGIN


@pytest.fixture
def h5p_live(settings, live_server, tmp_path):
    """A content origin on another site: the browser blocks storage and cookies in its frames."""
    return live_origins(settings, live_server, tmp_path, "127.0.0.1", "localhost")


@pytest.fixture
def h5p_same_site(settings, live_server, tmp_path):
    """The recommended set-up: a sibling host name of the same site, files behind the launch's cookie."""
    return live_origins(
        settings, live_server, tmp_path, "learn.localhost", "content.learn.localhost", require_cookie=True
    )


def h5p_block(block_id, package, counts):
    value = {
        "title": "",
        "package": package.pk,
        "translations": [],
        "counts": counts,
        "minimum_score": 50,
        "minimum_seconds": 0,
    }
    return {"type": "h5p", "id": block_id, "value": value}


def login(page, base_url, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])


def inner_frame(page, block_id):
    """The H5P content: our frame on the content origin, then the player's own frame when it makes one."""
    return page.frame_locator(f"#h5p-frame-{block_id}").frame_locator("iframe.h5p-iframe")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_truefalse_and_multichoice_results_reach_the_database(
    h5p_live, police_course, first_lesson, officer, page, screenshot
):
    base_url, content_origin = h5p_live
    # MultiChoice bundles newer patches of the libraries both use: TrueFalse then runs on those (approved).
    multichoice, _ = import_package(fixture_package("complete/H5P.MultiChoice.h5p"))
    truefalse, _ = import_package(fixture_package("complete/truefalse-hello-world.h5p"))
    body = [h5p_block("tf", truefalse, "counts"), h5p_block("mc", multichoice, "practice")]
    for language in PLATFORM_LANGUAGES:
        setattr(first_lesson, f"body_{language.field_suffix}", body)
    first_lesson.save_revision().publish()
    enrol(officer, police_course, check_policy=False)
    login(page, base_url, officer)

    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base_url}/en{first_lesson.url_path.removeprefix('/catalogue')}")
    frames = page.locator("iframe.h5p-activity__frame")
    assert frames.count() == 2
    for index in range(2):
        assert frames.nth(index).get_attribute("src").startswith(f"{content_origin}/h5p/launch/")

    tf = inner_frame(page, "tf")
    page.locator("#h5p-frame-mc").scroll_into_view_if_needed()  # the frames load lazily
    tf.get_by_role("radio", name="False").click()  # "Is this false?": the answer is False
    tf.get_by_role("button", name="Check").click()
    page.wait_for_function("document.getElementById('h5p-status-tf').textContent.length > 0")
    assert "1 of 1 (100%)" in page.locator("#h5p-status-tf").inner_text()

    mc = inner_frame(page, "mc")
    mc.get_by_role("radio", name="Blue").click()  # wrong
    mc.get_by_role("button", name="Check").click()
    page.wait_for_function("document.getElementById('h5p-status-mc').textContent.length > 0")
    assert "0 of 1 (0%)" in page.locator("#h5p-status-mc").inner_text()
    screenshot("h5p-lesson-answered")

    results = {r.block_id: r for r in H5PResult.objects.filter(user=officer)}
    assert (results["tf"].raw_score, results["tf"].max_score, results["tf"].passed, results["tf"].counts) == (
        1,
        1,
        True,
        True,
    )
    assert (results["mc"].raw_score, results["mc"].max_score, results["mc"].counts) == (0, 1, False)
    assert results["tf"].package == truefalse and results["mc"].package == multichoice
    assert ActivityResult.objects.filter(user=officer, page=first_lesson).count() == 2
    # The content frame really is on the other origin: the lesson page cannot read it.
    readable = "() => !!document.getElementById('h5p-frame-tf').contentDocument"  # null across origins
    assert page.evaluate(readable) is False
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert Launch.objects.filter(user=officer, result_at__isnull=False).count() == 2
    assert {r.launch_id for r in results.values()} == set(Launch.objects.values_list("pk", flat=True))


def publish_blocks(lesson, body):
    for language in PLATFORM_LANGUAGES:
        setattr(lesson, f"body_{language.field_suffix}", body)
    lesson.save_revision().publish()


FRAME_FITS = """() => {
    const frame = document.getElementById('h5p-frame-mc');
    return frame.getBoundingClientRect().height;
}"""
CONTENT_HEIGHT = """() => {
    const inner = document.querySelector('iframe.h5p-iframe');
    const content = inner && inner.contentDocument && inner.contentDocument.querySelector('.h5p-content');
    return content ? content.getBoundingClientRect().height : 0;
}"""
# Storage as the browser gives it to a new window of the frame's origin (the player's own windows get the fallback).
NATIVE_STORAGE = """() => {
    const probe = document.createElement('iframe');
    document.body.appendChild(probe);
    try { probe.contentWindow.localStorage.length; return 'usable'; }
    catch (error) { return error.name; }
    finally { probe.remove(); }
}"""
FALLBACK = "() => !('get' in (Object.getOwnPropertyDescriptor(window, 'localStorage') || {}))"


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_player_works_and_fits_its_frame_when_the_browser_blocks_storage(
    h5p_live, police_course, first_lesson, officer, page, screenshot, language
):
    base_url, _content_origin = h5p_live
    multichoice, _ = import_package(fixture_package("complete/H5P.MultiChoice.h5p"))
    publish_blocks(first_lesson, [h5p_block("mc", multichoice, "counts")])
    enrol(officer, police_course, check_policy=False)
    login(page, base_url, officer)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base_url}/{language}{first_lesson.url_path.removeprefix('/catalogue')}")
    page.locator("#h5p-frame-mc").scroll_into_view_if_needed()
    mc = inner_frame(page, "mc")
    mc.get_by_role("button", name=re.compile(".+")).first.wait_for()
    content_frame = next(frame for frame in page.frames if "/h5p/launch/" in frame.url)
    assert content_frame.evaluate(NATIVE_STORAGE) == "SecurityError"  # the browser really refuses storage there
    assert content_frame.evaluate(FALLBACK)  # and the player runs on the in-memory fallback
    # The frame grows to the activity: its height covers the rendered content, which is taller than 150 px.
    page.wait_for_function(
        "([id, minimum]) => document.getElementById(id).getBoundingClientRect().height > minimum",
        arg=["h5p-frame-mc", 150],
    )
    page.wait_for_timeout(700)  # the frame reports its height twice a second
    content = content_frame.evaluate(CONTENT_HEIGHT)
    frame_height = page.evaluate(FRAME_FITS)
    assert content > 150 and content <= frame_height <= content + 40, (content, frame_height)
    check = mc.locator(".h5p-question-check-answer")
    frame_box, check_box = page.locator("#h5p-frame-mc").bounding_box(), check.bounding_box()
    assert check_box["y"] + check_box["height"] <= frame_box["y"] + frame_box["height"]  # not cut off
    screenshot(f"h5p-storage-blocked-{language}")
    mc.get_by_role("radio").first.click()
    check.click()
    page.wait_for_function("document.getElementById('h5p-status-mc').textContent.length > 0")
    assert H5PResult.objects.filter(user=officer).count() == 1
    assert not [e for e in errors if "localStorage" in e or "SecurityError" in e or "Content Security" in e], errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_same_site_content_origin_serves_files_only_with_the_launch_cookie(
    h5p_same_site, police_course, first_lesson, officer, page, screenshot
):
    base_url, content_origin = h5p_same_site
    truefalse, _ = import_package(fixture_package("complete/truefalse-hello-world.h5p"))
    publish_blocks(first_lesson, [h5p_block("tf", truefalse, "counts")])
    enrol(officer, police_course, check_policy=False)
    login(page, base_url, officer)
    page.goto(f"{base_url}/en{first_lesson.url_path.removeprefix('/catalogue')}")
    tf = inner_frame(page, "tf")
    tf.get_by_role("radio", name="False").click()
    tf.get_by_role("button", name="Check").click()
    page.wait_for_function("document.getElementById('h5p-status-tf').textContent.length > 0")
    assert "1 of 1 (100%)" in page.locator("#h5p-status-tf").inner_text()
    content_frame = next(frame for frame in page.frames if "/h5p/launch/" in frame.url)
    assert content_frame.evaluate(NATIVE_STORAGE) == "usable"  # same site: the frame keeps its storage
    assert not content_frame.evaluate(FALLBACK)
    cookies = [c for c in page.context.cookies() if c["name"] == "custodia_files"]
    assert [(c["domain"], c["path"]) for c in cookies] == [
        ("content.learn.localhost", f"/h5p/content/{truefalse.content_key}/")
    ]
    # The same file address, without the cookie (another browser), is refused.
    other = page.context.browser.new_context()
    response = other.new_page().goto(f"{content_origin}/h5p/content/{truefalse.content_key}/h5p.json")
    assert response.status == 404
    other.close()
    assert page.goto(f"{content_origin}/h5p/content/{truefalse.content_key}/h5p.json").status == 200
    screenshot("h5p-same-site")
