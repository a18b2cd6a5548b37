"""Importing a validated `.h5p`: stored once by SHA-256, extracted (streamed) to a temporary folder, then moved.

Layout under ``MEDIA_ROOT/h5p/``::

    content/<sha256>/h5p.json, content/...   one folder per package
    libraries/<Machine.Name-M.m>/...           shared by all packages (newest patch wins)
    tmp/<random>/                              work folders, removed on success and on error
"""

import os
import shutil
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.archives import extract, move_into_place, open_source, sha256_of, undo_moves, work_folder
from h5p.models import H5PLibrary, H5PPackage
from h5p.validation import PackageError, dependency_folder, setting, validate_package


def storage_root():
    return Path(settings.MEDIA_ROOT) / "h5p"


def content_dir(sha256):
    return storage_root() / "content" / sha256


def libraries_dir():
    return storage_root() / "libraries"


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
        installed = {lib.folder: lib for lib in H5PLibrary.objects.all()}
        info = validate_package(handle, sha256=sha256, installed=set(installed))
        metadata = {folder: lib.metadata for folder, lib in installed.items()}
        metadata.update({folder: lib.data for folder, lib in info.libraries.items()})
        closure = runtime_closure(info.dependencies, metadata)
        blocked = [
            installed[folder]
            for folder in dict.fromkeys([*info.libraries, *closure])
            if folder in installed and installed[folder].is_blocked
        ]
        if blocked:
            raise PackageError(
                [
                    (lib.folder + "/", _("The library %(library)s is blocked by an administrator.") % {"library": lib})
                    for lib in blocked
                ]
            )
        handle.seek(0)
        return _store(handle, info, installed, closure, name=name, user=user, size=size), True
    finally:
        if handle is not source:
            handle.close()


def _store(handle, info, installed, closure, *, name, user, size):
    work = work_folder(storage_root())
    new_libraries = {
        folder: lib
        for folder, lib in info.libraries.items()
        if folder not in installed or lib.patch > installed[folder].patch_version
    }
    moved = []  # (destination, backup or None) to undo on error
    try:
        with zipfile.ZipFile(handle) as archive:
            for member in info.members:
                top = member.filename.split("/", 1)[0]
                if member.filename == "h5p.json" or top == "content":
                    extract(archive, member, work / "package" / member.filename)
                elif top in new_libraries and _player_needs(member.filename):
                    extract(archive, member, work / "libraries" / member.filename)
        (work / "package" / "content").mkdir(parents=True, exist_ok=True)
        with transaction.atomic():
            rows = dict(installed)
            for folder, lib in new_libraries.items():
                row, _created = H5PLibrary.objects.update_or_create(
                    machine_name=lib.machine_name,
                    major_version=lib.major,
                    minor_version=lib.minor,
                    defaults={
                        "patch_version": lib.patch,
                        "title": lib.title[:255],
                        "runnable": lib.runnable,
                        "languages": sorted(lib.languages),
                        "metadata": lib.data,
                    },
                )
                rows[folder] = row
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
                uploaded_by=user if user is not None and user.is_authenticated else None,
            )
            package.libraries.set([rows[folder] for folder in dict.fromkeys([*info.libraries, *closure])])
            # Move into place last: a rename is atomic on one file system.
            for folder in new_libraries:
                move_into_place(work / "libraries" / folder, libraries_dir() / folder, work, moved)
            move_into_place(work / "package", content_dir(info.sha256), work, moved)
    except BaseException:
        undo_moves(moved)
        shutil.rmtree(work, ignore_errors=True)
        raise
    shutil.rmtree(work, ignore_errors=True)  # only replaced (older) library versions are left in it
    return package


def delete_package_files(sha256):
    shutil.rmtree(content_dir(sha256), ignore_errors=True)
