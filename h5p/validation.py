"""Validation of `.h5p` packages, following the rules of H5P core (``H5PValidator``), stricter where safe.

Everything is checked from the zip's central directory and the package's JSON files (each one
read with a size cap) before a single byte is written to disk: an invalid package leaves nothing
behind. ``validate_package()`` returns a ``PackageInfo`` or raises ``PackageError`` carrying every
problem found (file name and rule), as H5P core reports them together.
"""

import json
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.archives import ArchiveError, entry_problem, open_zip, size_problem, totals_problems

# H5P core's default whitelists (H5PCore::$defaultContentWhitelist / $defaultLibraryWhitelistExtras).
_WHITELIST = (
    "json png jpg jpeg gif bmp tif tiff svg eot ttf woff woff2 otf webm mp4 ogg mp3 m4a wav txt pdf rtf doc "
    "docx xls xlsx ppt pptx odt ods odp xml csv diff patch swf md textile vtt webvtt"
)
CONTENT_EXTENSIONS = frozenset(_WHITELIST.split(" "))
LIBRARY_EXTENSIONS = CONTENT_EXTENSIONS | {"js", "css"}

# Patterns from H5P core's library.json and h5p.json schemas.
LIBRARY_FOLDER_RE = re.compile(r"^[\w.\-]{1,255}-(\d{1,5})\.(\d{1,5})$")
MACHINE_NAME_RE = re.compile(r"^[\w.\-]{1,255}$")
MAIN_LIBRARY_RE = re.compile(r"^[$a-z_][0-9a-z_.$]{1,254}$", re.IGNORECASE)
LANGUAGE_RE = re.compile(r"^[-a-zA-Z]{1,10}$")
LANGUAGE_FILE_RE = re.compile(r"^(-?[a-z]+){1,7}\.json$", re.IGNORECASE)
VERSION_RE = re.compile(r"^\d{1,5}$")
EMBED_TYPES = {"div", "iframe"}
MAX_ERRORS = 25


def setting(name):
    defaults = {
        "H5P_MAX_UPLOAD_BYTES": 100 * 1024 * 1024,
        "H5P_MAX_UNPACKED_BYTES": 300 * 1024 * 1024,
        "H5P_MAX_FILES": 5000,
        "H5P_MAX_FILE_BYTES": 100 * 1024 * 1024,
        "H5P_MAX_COMPRESSION_RATIO": 100,
        "H5P_MAX_JSON_BYTES": 2 * 1024 * 1024,
        "H5P_CORE_API": (1, 27),
        # "reject" (like current H5P core) or "sandbox" (accept; served with a CSP sandbox).
        "H5P_CONTENT_SVG": "reject",
    }
    return getattr(settings, name, defaults[name])


# A refused package: ``errors`` is a list of ``(file name or "", translated message)``.
PackageError = ArchiveError


@dataclass
class LibraryInfo:
    folder: str
    machine_name: str
    major: int
    minor: int
    patch: int
    title: str
    runnable: bool
    data: dict
    languages: list = field(default_factory=list)

    @property
    def dependencies(self):
        return [dependency_folder(dep) for dep in self.data.get("preloadedDependencies") or []]


@dataclass
class PackageInfo:
    sha256: str
    title: str
    main_library: str
    language: str
    h5p_json: dict
    libraries: dict  # folder -> LibraryInfo, the libraries bundled in the package
    dependencies: list  # folders of h5p.json's preloadedDependencies
    members: list  # ZipInfo entries to extract
    file_count: int
    unpacked_bytes: int


def dependency_folder(dep):
    return f"{dep.get('machineName')}-{dep.get('majorVersion')}.{dep.get('minorVersion')}"


def _ignored(name):
    """H5P core skips files and folders whose name starts with '.' or '_' (e.g. __MACOSX, .DS_Store)."""
    return any(part.startswith((".", "_")) for part in name.split("/"))


def _read_json(archive, info, errors, label):
    if info.file_size > setting("H5P_MAX_JSON_BYTES"):
        limit = setting("H5P_MAX_JSON_BYTES")
        errors.append((info.filename, _("The JSON file is larger than %(limit)s bytes.") % {"limit": limit}))
        return None
    try:
        with archive.open(info) as handle:
            raw = handle.read(setting("H5P_MAX_JSON_BYTES") + 1)
        return json.loads(raw.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError):
        errors.append((info.filename, _("Unable to parse %(what)s: it is not valid JSON.") % {"what": label}))
        return None


def _check_h5p_json(data, errors):
    if not isinstance(data, dict):
        errors.append(("h5p.json", _("h5p.json must contain a JSON object.")))
        return False
    ok = True
    for key in ("title", "mainLibrary", "language", "preloadedDependencies", "embedTypes"):
        if key not in data:
            errors.append(("h5p.json", _("The required property “%(name)s” is missing.") % {"name": key}))
            ok = False
    if not ok:
        return False
    checks = [
        (isinstance(data["title"], str) and 0 < len(data["title"]) <= 255, "title"),
        (isinstance(data["mainLibrary"], str) and MAIN_LIBRARY_RE.match(data["mainLibrary"]), "mainLibrary"),
        (isinstance(data["language"], str) and LANGUAGE_RE.match(data["language"]), "language"),
        (
            isinstance(data["embedTypes"], list)
            and data["embedTypes"]
            and all(kind in EMBED_TYPES for kind in data["embedTypes"]),
            "embedTypes",
        ),
        (_valid_dependencies(data["preloadedDependencies"]), "preloadedDependencies"),
    ]
    for valid, key in checks:
        if not valid:
            errors.append(("h5p.json", _("The property “%(name)s” has an invalid value.") % {"name": key}))
            ok = False
    if ok and not any(dep["machineName"] == data["mainLibrary"] for dep in data["preloadedDependencies"]):
        errors.append(("h5p.json", _("The main library is not among the preloaded dependencies.")))
        ok = False
    return ok


def _valid_dependencies(value):
    if not isinstance(value, list):
        return False
    for dep in value:
        if not isinstance(dep, dict) or not MACHINE_NAME_RE.match(str(dep.get("machineName", ""))):
            return False
        if not all(VERSION_RE.match(str(dep.get(key, ""))) for key in ("majorVersion", "minorVersion")):
            return False
    return True


def _check_library_json(folder, data, files, errors):
    """H5P core's library.json rules; returns a LibraryInfo or None."""
    name = f"{folder}/library.json"
    if not isinstance(data, dict):
        errors.append((name, _("library.json must contain a JSON object.")))
        return None
    problems = []
    for key in ("title", "machineName", "majorVersion", "minorVersion", "patchVersion", "runnable"):
        if key not in data:
            problems.append(_("The required property “%(name)s” is missing.") % {"name": key})
    if not problems:
        if not (isinstance(data["title"], str) and 0 < len(data["title"]) <= 255):
            problems.append(_("The property “%(name)s” has an invalid value.") % {"name": "title"})
        if not MACHINE_NAME_RE.match(str(data["machineName"])):
            problems.append(_("The property “%(name)s” has an invalid value.") % {"name": "machineName"})
        for key in ("majorVersion", "minorVersion", "patchVersion"):
            if isinstance(data[key], bool) or not VERSION_RE.match(str(data[key])):
                problems.append(_("The property “%(name)s” has an invalid value.") % {"name": key})
        if str(data["runnable"]) not in ("0", "1", "True", "False"):
            problems.append(_("The property “%(name)s” has an invalid value.") % {"name": "runnable"})
        for key in ("preloadedDependencies", "dynamicDependencies", "editorDependencies"):
            if key in data and not _valid_dependencies(data[key]):
                problems.append(_("The property “%(name)s” has an invalid value.") % {"name": key})
        for key in ("preloadedJs", "preloadedCss"):
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(item, dict) and "path" in item for item in value):
                problems.append(_("The property “%(name)s” has an invalid value.") % {"name": key})
    if problems:
        errors.extend((name, problem) for problem in problems)
        return None
    expected = f"{data['machineName']}-{data['majorVersion']}.{data['minorVersion']}"
    if expected != folder:
        errors.append(
            (
                name,
                _("The library folder “%(folder)s” does not match library.json, which describes “%(expected)s”.")
                % {"folder": folder, "expected": expected},
            )
        )
        return None
    core = data.get("coreApi")
    if isinstance(core, dict):
        wanted = (int(core.get("majorVersion", 1) or 1), int(core.get("minorVersion", 0) or 0))
        if wanted > tuple(setting("H5P_CORE_API")):
            errors.append(
                (
                    name,
                    _("The library needs H5P core API %(wanted)s; this platform provides %(have)s.")
                    % {"wanted": "{}.{}".format(*wanted), "have": "{}.{}".format(*setting("H5P_CORE_API"))},
                )
            )
            return None
    for key in ("preloadedJs", "preloadedCss"):
        for item in data.get(key, []):
            path = posixpath.normpath(f"{folder}/{item['path']}")
            if path not in files:
                errors.append(
                    (name, _("The library is missing the file “%(path)s” it preloads.") % {"path": item["path"]})
                )
    return LibraryInfo(
        folder=folder,
        machine_name=data["machineName"],
        major=int(data["majorVersion"]),
        minor=int(data["minorVersion"]),
        patch=int(data["patchVersion"]),
        title=data["title"],
        runnable=str(data["runnable"]) in ("1", "True"),
        data=data,
    )


def validate_package(source, sha256="", installed=frozenset()):
    """Validate a `.h5p` (path or binary file object) without extracting it.

    ``installed`` holds the folders (``Machine.Name-M.m``) of libraries already on the platform,
    which satisfy dependencies the package does not bundle.
    """
    with open_zip(source) as archive:
        return _validate_archive(archive, sha256, installed)


def _validate_archive(archive, sha256, installed):  # noqa: C901 - one pass over the rules, in H5P core's order
    errors = []
    infos = archive.infolist()
    seen, files, members = set(), set(), []
    total = 0
    svg_policy = setting("H5P_CONTENT_SVG")
    for info in infos:
        name = info.filename
        problem = entry_problem(info, seen)
        if problem:
            errors.append((name, problem))
            continue
        if info.is_dir() or _ignored(name):
            continue
        if len(files) >= setting("H5P_MAX_FILES"):
            errors.append(("", _("The package has more than %(limit)s files.") % {"limit": setting("H5P_MAX_FILES")}))
            break
        problem = size_problem(
            info, max_file_bytes=setting("H5P_MAX_FILE_BYTES"), max_ratio=setting("H5P_MAX_COMPRESSION_RATIO")
        )
        if problem:
            errors.append((name, problem))
            continue
        total += info.file_size
        top, _sep, rest = name.partition("/")
        extension = posixpath.splitext(name)[1].lower().lstrip(".")
        if not rest:  # a file at the package root
            if name != "h5p.json" and extension not in CONTENT_EXTENSIONS:
                errors.append((name, _("Files of type “.%(ext)s” are not allowed.") % {"ext": extension}))
            files.add(name)
            if name == "h5p.json":
                members.append(info)
            continue  # other files at the root are ignored, as H5P core does
        allowed = CONTENT_EXTENSIONS if top == "content" else LIBRARY_EXTENSIONS
        if extension not in allowed:
            errors.append((name, _("Files of type “.%(ext)s” are not allowed.") % {"ext": extension or "—"}))
            continue
        if top == "content" and extension == "svg" and svg_policy != "sandbox":
            errors.append(
                (name, _("SVG images are not accepted in content (they can carry scripts): use PNG or JPEG."))
            )
            continue
        files.add(name)
        members.append(info)
    errors.extend(
        totals_problems(
            infos,
            total,
            max_unpacked_bytes=setting("H5P_MAX_UNPACKED_BYTES"),
            max_ratio=setting("H5P_MAX_COMPRESSION_RATIO"),
        )
    )
    if errors:
        raise PackageError(errors[:MAX_ERRORS])

    by_name = {info.filename: info for info in members}
    # h5p.json and content/content.json
    h5p_json = None
    if "h5p.json" not in by_name:
        errors.append(("h5p.json", _("The package has no h5p.json file.")))
    else:
        h5p_json = _read_json(archive, by_name["h5p.json"], errors, "h5p.json")
        if h5p_json is not None and not _check_h5p_json(h5p_json, errors):
            h5p_json = None
    if "content/content.json" not in by_name:
        errors.append(("content/content.json", _("The package has no content/content.json file.")))
    else:
        _read_json(archive, by_name["content/content.json"], errors, "content.json")

    # Library folders
    libraries = {}
    folders = sorted({info.filename.split("/", 1)[0] for info in members if "/" in info.filename} - {"content"})
    for folder in folders:
        if not LIBRARY_FOLDER_RE.match(folder):
            errors.append((folder + "/", _("Invalid library folder name: it must be “Machine.Name-major.minor”.")))
            continue
        library_json = by_name.get(f"{folder}/library.json")
        if library_json is None:
            errors.append((folder + "/", _("The library folder has no library.json file.")))
            continue
        data = _read_json(archive, library_json, errors, "library.json")
        if data is None:
            continue
        library = _check_library_json(folder, data, files, errors)
        semantics = by_name.get(f"{folder}/semantics.json")
        if semantics is not None:
            _read_json(archive, semantics, errors, "semantics.json")
        for info in members:
            if info.filename.startswith(f"{folder}/language/") and info.filename.count("/") == 2:
                base = info.filename.rsplit("/", 1)[1]
                if not LANGUAGE_FILE_RE.match(base):
                    errors.append((info.filename, _("Invalid language file name.")))
                    continue
                if _read_json(archive, info, errors, _("the language file")) is not None and library:
                    library.languages.append(base[: -len(".json")])
        if library:
            libraries[folder] = library
    if errors:
        raise PackageError(errors[:MAX_ERRORS])

    # Every preloaded dependency is present, in the package or on the platform.
    available = set(libraries) | set(installed)
    dependencies = [dependency_folder(dep) for dep in h5p_json["preloadedDependencies"]]
    needed = list(dependencies)
    for library in libraries.values():
        needed.extend(library.dependencies)
    for folder in dict.fromkeys(needed):
        if folder not in available:
            errors.append(("h5p.json", _("The library “%(folder)s” is needed but missing.") % {"folder": folder}))
    if errors:
        raise PackageError(errors[:MAX_ERRORS])
    return PackageInfo(
        sha256=sha256,
        title=h5p_json["title"],
        main_library=h5p_json["mainLibrary"],
        language=h5p_json["language"],
        h5p_json=h5p_json,
        libraries=libraries,
        dependencies=dependencies,
        members=members,
        file_count=len(members),
        unpacked_bytes=sum(info.file_size for info in members),
    )
