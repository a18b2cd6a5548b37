"""Importing a validated `.h5p`: stored once by SHA-256, extracted (streamed) to a temporary folder, then moved.

Layout under ``MEDIA_ROOT/h5p/``::

    content/<sha256>/h5p.json, content/...     one folder per package
    libraries/<Machine.Name-M.m>~<patch>-<fp>/  one folder per library version, never replaced
    libraries/<Machine.Name-M.m>/               versions installed before versions were kept apart
    tmp/<random>/                               work folders, removed on success and on error

Library versions are immutable (see ``H5PLibrary``): a package is pinned to the versions it was
imported with, so a later upload never changes what an existing package runs.
"""

import hashlib
import os
import shutil
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from core.archives import extract, move_into_place, open_source, sha256_of, undo_moves, work_folder
from h5p.models import H5PLibrary, H5PPackage, LibraryStatus
from h5p.validation import PackageError, dependency_folder, setting, validate_package


def storage_root():
    return Path(settings.MEDIA_ROOT) / "h5p"


def content_dir(sha256):
    return storage_root() / "content" / sha256


def libraries_dir():
    return storage_root() / "libraries"


def content_key(sha256):
    """The package's files' address: derived from its SHA-256 and the site's secret, so knowing a public
    package's checksum does not give its address on this site."""
    return salted_hmac("h5p.content-key", sha256).hexdigest()[:32]


def library_set_key(libraries):
    """The address of a set of library versions (the player's ``librariesPath``): changes when any of them does."""
    names = sorted(f"{library.folder}={library.storage}" for library in libraries)
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:24]


def library_fingerprint(entries):
    """Identifies a library's stored files from ``(name inside the folder, CRC-32, size)`` triples.

    Two uploads with equal fingerprints reuse the stored files (the new bytes are never written), so a
    CRC-32 collision could at worst pin a package to the library version already approved.
    """
    lines = sorted(f"{name}\0{crc:08x}\0{size}" for name, crc, size in entries)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def runtime_closure(folders, metadata):
    """Folders of the libraries the player loads, dependencies first (``metadata``: folder -> library.json)."""
    ordered, visiting = [], set()

    def visit(folder):
        if folder in ordered or folder in visiting:
            return
        visiting.add(folder)
        for dep in (metadata.get(folder) or {}).get("preloadedDependencies") or []:
            visit(dependency_folder(dep))
        visiting.discard(folder)
        ordered.append(folder)

    for folder in folders:
        visit(folder)
    return ordered


def _player_needs(name):
    """Library files the player loads: not the editor's (H5PEditor.* libraries, language/ files for the editor).

    They are still validated; the platform has no H5P editor, and skipping them makes an import
    write about a quarter of the files (1,279 of CoursePresentation's 1,694 are editor translations).
    """
    folder, _sep, rest = name.partition("/")
    return rest == "library.json" or not (folder.startswith("H5PEditor.") or rest.startswith("language/"))


def _fingerprints(info):
    """``{folder: fingerprint}`` of the libraries bundled in the package (from the zip's directory)."""
    entries = {folder: [] for folder in info.libraries}
    for member in info.members:
        folder, _sep, rest = member.filename.partition("/")
        if folder in entries and _player_needs(member.filename):
            entries[folder].append((rest, member.CRC, member.file_size))
    return {folder: library_fingerprint(items) for folder, items in entries.items()}


def _newest(rows):
    """The version a package that does not bundle the library gets: the newest approved, else the newest."""
    approved = [row for row in rows if row.is_approved]
    return max(approved or rows, key=lambda row: (row.patch_version, row.pk))


def _choose_versions(info, installed, fingerprints):
    """``(pinned, new)``: existing rows for the package's libraries, and new versions to store with their status.

    A bundled library equal to an installed version (patch and files) uses it; an older patch than an
    approved version uses the newest approved one (as H5P core would); anything else is a new version,
    approved with the package when it is the first of its ``Machine.Name-major.minor``, otherwise
    awaiting approval.
    """
    pinned, new = {}, {}
    for folder, library in info.libraries.items():
        rows = installed.get(folder, [])
        same = [row for row in rows if (row.patch_version, row.fingerprint) == (library.patch, fingerprints[folder])]
        newer = [row for row in rows if row.is_approved and row.patch_version > library.patch]
        if same:
            pinned[folder] = same[0]
        elif newer:  # an older patch than an approved version: not installed, the package uses the newer one
            pinned[folder] = _newest(newer)
        else:
            new[folder] = LibraryStatus.PENDING if rows else LibraryStatus.APPROVED
    for folder, rows in installed.items():
        if folder not in info.libraries and rows:
            pinned[folder] = _newest(rows)
    return pinned, new


def import_package(source, *, name="", user=None):
    """Validate and store a package. Returns ``(package, created)``; raises ``PackageError`` (nothing kept)."""
    handle = open_source(source)
    try:
        sha256, size = sha256_of(handle)
        if size > setting("H5P_MAX_UPLOAD_BYTES"):
            limit = setting("H5P_MAX_UPLOAD_BYTES")
            raise PackageError([("", _("The file is larger than %(limit)s bytes.") % {"limit": limit})])
        existing = H5PPackage.objects.filter(sha256=sha256).first()
        if existing is not None:
            return existing, False
        installed = {}
        for row in H5PLibrary.objects.all():
            installed.setdefault(row.folder, []).append(row)
        info = validate_package(handle, sha256=sha256, installed=set(installed))
        fingerprints = _fingerprints(info)
        pinned, new = _choose_versions(info, installed, fingerprints)
        metadata = {folder: row.metadata for folder, row in pinned.items()}
        metadata.update({folder: info.libraries[folder].data for folder in new})
        closure = runtime_closure(info.dependencies, metadata)
        used = dict.fromkeys([*info.libraries, *closure])
        blocked = [pinned[folder] for folder in used if folder in pinned and pinned[folder].is_blocked]
        if blocked:
            raise PackageError(
                [
                    (lib.folder + "/", _("The library %(library)s is blocked by an administrator.") % {"library": lib})
                    for lib in blocked
                ]
            )
        handle.seek(0)
        stored = _store(handle, info, pinned, new, fingerprints, closure, name=name, user=user, size=size)
        return stored, True
    finally:
        if handle is not source:
            handle.close()


def _store(handle, info, pinned, new, fingerprints, closure, *, name, user, size):
    work = work_folder(storage_root())
    storage = {folder: f"{folder}~{info.libraries[folder].patch}-{fingerprints[folder][:16]}" for folder in new}
    moved = []  # (destination, backup or None) to undo on error
    try:
        with zipfile.ZipFile(handle) as archive:
            for member in info.members:
                top, _sep, rest = member.filename.partition("/")
                if member.filename == "h5p.json" or top == "content":
                    extract(archive, member, work / "package" / member.filename)
                elif top in new and _player_needs(member.filename):
                    extract(archive, member, work / "libraries" / storage[top] / rest)
        (work / "package" / "content").mkdir(parents=True, exist_ok=True)
        with transaction.atomic():
            rows = dict(pinned)
            for folder, status in new.items():
                library = info.libraries[folder]
                rows[folder] = H5PLibrary.objects.create(
                    machine_name=library.machine_name,
                    major_version=library.major,
                    minor_version=library.minor,
                    patch_version=library.patch,
                    fingerprint=fingerprints[folder],
                    storage=storage[folder],
                    status=status,
                    title=library.title[:255],
                    runnable=library.runnable,
                    languages=sorted(library.languages),
                    metadata=library.data,
                )
            package = H5PPackage.objects.create(
                sha256=info.sha256,
                title=info.title[:255],
                main_library=info.main_library,
                language=info.language,
                original_name=os.path.basename(name)[:255],
                file_size=size,
                unpacked_size=info.unpacked_bytes,
                file_count=info.file_count,
                h5p_json=info.h5p_json,
                runtime_libraries=closure,
                content_key=content_key(info.sha256),
                library_set=library_set_key([rows[folder] for folder in closure]),
                uploaded_by=user if user is not None and user.is_authenticated else None,
            )
            package.libraries.set([rows[folder] for folder in dict.fromkeys([*info.libraries, *closure])])
            # Move into place last: a rename is atomic on one file system.
            for folder in new:
                move_into_place(work / "libraries" / storage[folder], libraries_dir() / storage[folder], work, moved)
            move_into_place(work / "package", content_dir(info.sha256), work, moved)
    except BaseException:
        undo_moves(moved)
        shutil.rmtree(work, ignore_errors=True)
        raise
    shutil.rmtree(work, ignore_errors=True)
    return package


def library_dir(library):
    return libraries_dir() / library.storage


def delete_package_files(sha256):
    shutil.rmtree(content_dir(sha256), ignore_errors=True)
