"""H5P fixtures: the shared sample packages (required under CI), a private MEDIA_ROOT, hostile archives, and a
lesson with an H5P block whose launch an enrolled officer has opened."""

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.test import Client

from elearning.languages import PLATFORM_LANGUAGES
from tests.conftest import SHARED_DIR, shared_fixture

H5P_FIXTURES = SHARED_DIR / "fixtures" / "h5p"


def fixture_package(relative):
    """A shared sample package (fails under CI when missing; the generated-archive tests run everywhere)."""
    return shared_fixture(f"h5p/{relative}")


def complete_packages():
    folder = H5P_FIXTURES / "complete"
    return sorted(p.name for p in folder.glob("*.h5p")) if folder.exists() else []


@pytest.fixture(scope="session")
def h5p_media(tmp_path_factory):
    return tmp_path_factory.mktemp("h5p-media")


@pytest.fixture(autouse=True)
def _h5p_settings(settings, h5p_media):
    settings.MEDIA_ROOT = h5p_media
    settings.CUSTODIA_CONTENT_ORIGIN = "http://content.localhost"
    settings.WAGTAILADMIN_BASE_URL = "http://testserver"
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost", "content.localhost"]


def stored_files(media):
    """Every file and folder under MEDIA_ROOT/h5p that belongs to a package or library (tmp must be empty)."""
    root = Path(media) / "h5p"
    found = []
    for sub in ("content", "libraries", "tmp"):
        if (root / sub).exists():
            found.extend(sorted(p.name for p in (root / sub).iterdir()))
    return found


# Generated packages (no shared files needed) --------------------------------------------------
LIBRARY_JSON = {
    "title": "Tiny",
    "machineName": "H5P.Tiny",
    "majorVersion": 1,
    "minorVersion": 0,
    "patchVersion": 3,
    "runnable": 1,
    "preloadedJs": [{"path": "tiny.js"}],
}
H5P_JSON = {
    "title": "Tiny package",
    "language": "en",
    "mainLibrary": "H5P.Tiny",
    "embedTypes": ["div"],
    "preloadedDependencies": [{"machineName": "H5P.Tiny", "majorVersion": 1, "minorVersion": 0}],
}


def tiny_entries(**changes):
    entries = {
        "h5p.json": json.dumps(H5P_JSON),
        "content/content.json": json.dumps({"text": "hello"}),
        "H5P.Tiny-1.0/library.json": json.dumps(LIBRARY_JSON),
        "H5P.Tiny-1.0/tiny.js": "H5P.Tiny = function () {};",
        "H5P.Tiny-1.0/language/fr.json": json.dumps({"semantics": []}),
    }
    entries.update(changes)
    return {name: data for name, data in entries.items() if data is not None}


def build_zip(entries, *, extra=()):
    """A zip in memory: ``entries`` name -> str/bytes; ``extra`` (ZipInfo, data) pairs written as they are."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for info, data in extra:
            archive.writestr(info, data)
    buffer.seek(0)
    return buffer


# A lesson with an H5P block, opened by an enrolled officer ------------------------------------------------
HOST = "content.localhost"
CONTENT = {"HTTP_HOST": HOST}
ORIGIN = f"http://{HOST}"


def lesson_url(lesson, language="en"):
    return f"/{language}{lesson.url_path.removeprefix('/catalogue')}"


def put_block(lesson, package, *, counts="counts", minimum=60, translations=(), seconds=None):
    value = {
        "title": "",
        "package": package.pk,
        "translations": [{"language": code, "package": pkg.pk} for code, pkg in translations],
        "counts": counts,
        "minimum_score": minimum,
    }
    if seconds is not None:
        value["minimum_seconds"] = seconds
    raw = [{"type": "h5p", "id": "block-1", "value": value}]
    for language in PLATFORM_LANGUAGES:
        setattr(lesson, f"body_{language.field_suffix}", raw)
    lesson.save_revision().publish()
    return lesson


@pytest.fixture
def tiny(db):
    from h5p.services import import_package

    package, _created = import_package(build_zip(tiny_entries()), name="tiny.h5p")
    return package


@pytest.fixture
def setup(officer, police_course, first_lesson, tiny):
    """``(client signed in as an enrolled officer, lesson)``; the block's minimum time is 0 s."""
    from learning.enrolment import enrol

    enrol(officer, police_course, check_policy=False)
    put_block(first_lesson, tiny, seconds=0)
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    return client, first_lesson


def frame_of(html):
    match = re.search(r'<iframe class="h5p-activity__frame" id="[^"]*" src="([^"]+)"', html)
    assert match, html
    token = re.search(r'data-h5p-token="([^"]+)"', html).group(1)
    csrf = re.search(r'data-h5p-csrf="([^"]+)"', html).group(1)
    return match.group(1), token, csrf


def open_launch(client, src):
    """The launch document as the frame gets it (on the content host), and its player configuration."""
    response = client.get(src.removeprefix(ORIGIN), **CONTENT)
    assert response.status_code == 200, response.content[:300]
    html = response.content.decode()
    config = json.loads(re.search(r'id="h5p-config" type="application/json">(.*?)</script>', html).group(1))
    return response, config


def launched(setup):
    """The lesson page's frame, its launch document opened: ``(content client, token, csrf, config)``."""
    client, lesson = setup
    src, token, csrf = frame_of(client.get(lesson_url(lesson)).content.decode())
    frame = Client()  # the content origin: no session, cookies of its own
    _response, config = open_launch(frame, src)
    return frame, token, csrf, config
