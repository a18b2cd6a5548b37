"""H5P in a real browser: the lesson on 127.0.0.1 frames content from localhost; answers reach the database."""

import re

import pytest
from django.test import Client

from elearning.languages import PLATFORM_LANGUAGES
from h5p.models import H5PResult
from h5p.services import import_package
from learning.enrolment import enrol
from learning.models import ActivityResult
from tests.h5p.conftest import fixture_package


@pytest.fixture
def h5p_live(settings, live_server, tmp_path):
    port = re.search(r":(\d+)$", live_server.url).group(1)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CUSTODIA_CONTENT_ORIGIN = f"http://localhost:{port}"
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    settings.WAGTAILADMIN_BASE_URL = f"http://127.0.0.1:{port}"
    return f"http://127.0.0.1:{port}", settings.CUSTODIA_CONTENT_ORIGIN


def h5p_block(block_id, package, counts):
    value = {"title": "", "package": package.pk, "translations": [], "counts": counts, "minimum_score": 50}
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
    truefalse, _ = import_package(fixture_package("complete/truefalse-hello-world.h5p"))
    multichoice, _ = import_package(fixture_package("complete/H5P.MultiChoice.h5p"))
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
        assert frames.nth(index).get_attribute("src").startswith(f"{content_origin}/h5p/embed/")

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
