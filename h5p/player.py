"""Which package a block shows, in which language, and the launch document's player: its files and options.

The player (h5p-standalone's dist from ``npm ci``, plus our files in ``h5p/player_files/``) is served under
``/h5p/player/<key>/`` where the key is a digest of those files: a new version gets new URLs, so every
player file can be cached for a year.
"""

import hashlib
import os
import uuid
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from courses import blocks as courses_blocks
from courses.blocks import block_packages, block_settings  # noqa: F401 - used through this module
from elearning.languages import get_language_info
from learning import content_files
from learning.launch import content_url, public_url, session_token

PLAYER_DIST = "h5p-standalone/dist"
OWN_FILES = Path(__file__).resolve().parent / "player_files"
OWN_FILE_NAMES = ("embed.js", "embed.css", "storage-fallback.js")
DEFAULT_MINIMUM_SECONDS = 5


def find_block(page, block_id):
    """The ``h5p`` block with this id in the page's body (live version), or None."""
    return courses_blocks.find_block(page, block_id, "h5p")


def choose_package(value, language=None):
    """The package in the officer's language, else the default one. Returns ``(package, language)``."""
    return courses_blocks.choose_package(value, language or get_language() or settings.LANGUAGE_CODE)


def core_translations():
    """H5P core's interface strings that the player shows, in the active language."""
    return {
        "H5P": {
            "fullscreen": _("Fullscreen"),
            "disableFullscreen": _("Disable fullscreen"),
            "close": _("Close"),
            "confirmDialogHeader": _("Confirm action"),
            "confirmDialogBody": _("Please confirm that you wish to proceed. This action is not reversible."),
            "cancelLabel": _("Cancel"),
            "confirmLabel": _("Confirm"),
            "contentChanged": _("This content has changed since you last used it."),
            "startingOver": _("You'll be starting over."),
            "offlineDialogHeader": _("Your connection to the server was lost"),
            "offlineDialogBody": _("We were unable to send information about your completion of this task."),
            "offlineDialogRetryMessage": _("Retrying in :num…"),
            "offlineDialogRetryButtonLabel": _("Retry now"),
            "offlineSuccessfulSubmit": _("Successfully submitted results."),
        }
    }


def minimum_seconds(value):
    """The shortest time in which the block's activity can be done: results reported sooner are not recorded."""
    seconds = value.get("minimum_seconds")
    if seconds is None:
        seconds = getattr(settings, "H5P_DEFAULT_MINIMUM_SECONDS", DEFAULT_MINIMUM_SECONDS)
    return max(0, int(seconds))


# The player's files ---------------------------------------------------------------------------------
def dist_dir():
    return Path(settings.NODE_MODULES_DIR) / PLAYER_DIST


@lru_cache(maxsize=4)
def _player_key(dist):
    digest = hashlib.sha256()
    for path in [Path(dist).parent / "package.json", *(OWN_FILES / name for name in OWN_FILE_NAMES)]:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"missing")
    return digest.hexdigest()[:16]


def player_key():
    """Digest of the player's version and our own player files: part of every player file's URL."""
    return _player_key(str(dist_dir()))


def player_url(name):
    return content_url(f"/h5p/player/{player_key()}/{name}")


def player_file_path(name):
    """The file behind ``/h5p/player/<key>/<name>`` (None when there is none). ``frame.bundle.js`` is H5P
    core with the storage fallback before it, written once into the content cache."""
    if name.startswith("custodia/"):
        own = name.removeprefix("custodia/")
        return OWN_FILES / own if own in OWN_FILE_NAMES else None
    if name != "frame.bundle.js":
        return dist_dir() / name
    target = content_files.cache_dir() / "h5p-player" / player_key() / "frame.bundle.js"
    if not target.exists():
        source = dist_dir() / name
        if not source.is_file():
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f"{target.name}.{uuid.uuid4().hex}.tmp")
        temporary.write_bytes((OWN_FILES / "storage-fallback.js").read_bytes() + b"\n" + source.read_bytes())
        os.replace(temporary, target)
    return target


# The launch document's options ---------------------------------------------------------------------
def content_path(package):
    """The path prefix of a package's own files (h5p.json, content/...) on the content origin."""
    return f"/h5p/content/{package.content_key}/"


def libraries_url(package):
    return content_url(f"/h5p/libraries/{package.library_set}")


def saved_state(rows):
    """H5P core's preloaded user data (``{subContentId: {dataType: json}}``) from the officer's saved rows.

    ``"false"`` for the main state when nothing is saved: the player then asks the server for nothing.
    """
    data = {"0": {"state": "false"}}
    for row in rows:
        data.setdefault(str(row.sub_content_id), {})[row.data_type] = row.data
    return data


def preload_urls(package, libraries):
    """Every file the player will ask for, in its order, so the browser fetches them at once instead of
    level by level (h5p-standalone discovers dependencies one library.json at a time)."""
    content = content_url(content_path(package))
    base = libraries_url(package)
    fetches = [f"{content}h5p.json", f"{content}content/content.json"]
    fetches += [f"{base}/{library.folder}/library.json" for library in libraries]
    styles, scripts = [player_url("styles/h5p.css")], [player_url("frame.bundle.js")]
    for library in libraries:
        for item in library.metadata.get("preloadedCss") or []:
            styles.append(f"{base}/{library.folder}/{item['path']}")
        for item in library.metadata.get("preloadedJs") or []:
            scripts.append(f"{base}/{library.folder}/{item['path']}")
    return {"fetch": fetches, "style": styles, "script": scripts}


def player_options(*, launch, package, user, state_rows):
    content = content_url(content_path(package)).rstrip("/")
    session = session_token(launch)
    language = get_language_info(get_language()) if get_language() else None
    return {
        "id": str(package.pk),
        "h5pJsonPath": content,
        "contentJsonPath": f"{content}/content",
        "librariesPath": libraries_url(package),
        "frameJs": player_url("frame.bundle.js"),
        "frameCss": player_url("styles/h5p.css"),
        "frame": False,
        "copyright": False,
        "export": False,
        "embed": False,
        "icon": False,
        "fullScreen": True,
        "saveFreq": 15,
        # Pseudonymous: the libraries' scripts never learn the officer's e-mail address.
        "user": {"name": user.get_full_name() or _("Learner"), "mail": f"learner-{user.pk}@custodia.invalid"},
        "ajax": {"contentUserDataUrl": content_url(f"/h5p/state/{session}/:contentId/:dataType/:subContentId")},
        "contentUserData": saved_state(state_rows),
        "xAPIObjectIRI": public_url(f"/xapi/activities/h5p/{launch.page_id}/{launch.activity_id}"),
        "translations": core_translations(),
        "_language": language.code if language else "",
    }
