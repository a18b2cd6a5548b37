"""H5P fixtures: the shared sample packages (required under CI), a private MEDIA_ROOT, hostile archives."""

import io
import json
import zipfile
from pathlib import Path

import pytest

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
