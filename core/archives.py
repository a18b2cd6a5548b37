"""Safe handling of uploaded zip archives (H5P and SCORM packages), shared by the apps that import them.

Every check reads the zip's central directory, so a bad archive is refused before a byte is
written; extraction is streamed with a guard against entries larger than they claim; a package
goes into place by an atomic rename, and every step can be undone. The apps keep their own rules
(which files a package may hold, what its manifest says) and build on these.
"""

import hashlib
import os
import re
import shutil
import stat
import uuid
import zipfile
import zlib

from django.utils.translation import gettext_lazy as _

CHUNK = 64 * 1024


class ArchiveError(Exception):
    """An archive was refused; ``errors`` is a list of ``(file or element name, or "", translated message)``."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(self.messages()))

    def messages(self):
        return [f"{name}: {message}" if name else str(message) for name, message in self.errors]


def open_source(source):
    """A path or a binary file object (Django's UploadedFile included), as something zipfile can read."""
    if isinstance(source, str | os.PathLike):
        return open(source, "rb")  # noqa: SIM115 - closed by the caller
    if hasattr(source, "temporary_file_path"):
        return open(source.temporary_file_path(), "rb")  # noqa: SIM115
    source.seek(0)
    return source


def sha256_of(handle):
    """``(hex digest, size in bytes)`` of an open binary file, read in chunks; the file is rewound."""
    digest = hashlib.sha256()
    handle.seek(0)
    size = 0
    while chunk := handle.read(CHUNK):
        size += len(chunk)
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest(), size


def open_zip(source):
    """``zipfile.ZipFile`` on ``source``, or ``ArchiveError`` when it is not a zip archive."""
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ArchiveError([("", _("The file is not a valid zip archive (unable to unzip it)."))]) from None


def unsafe_name(name):
    """Why an entry's name is refused (absolute, traversal, backslash, NUL), or None."""
    if "\x00" in name or "\\" in name:
        return _("The file name contains a backslash or a NUL character.")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return _("Absolute paths are not allowed.")
    parts = name.rstrip("/").split("/")
    if any(part in ("..", ".") for part in parts) or "" in parts:
        return _("Paths with “..”, “.” or empty segments are not allowed.")
    return None


def is_symlink(info):
    return stat.S_ISLNK(info.external_attr >> 16)


def entry_problem(info, seen):
    """The rules every entry follows: a safe name, once only, no link, no encryption. ``seen``: names so far."""
    name = info.filename
    problem = unsafe_name(name)
    if problem:
        return problem
    if name in seen or name.rstrip("/") in seen:
        return _("The archive contains this entry twice.")
    seen.add(name.rstrip("/"))
    if is_symlink(info):
        return _("Links (symlinks) are not allowed.")
    if info.flag_bits & 0x1:
        return _("Encrypted entries are not allowed.")
    return None


def size_problem(info, *, max_file_bytes, max_ratio):
    """A file larger than allowed, or compressed suspiciously well (a zip bomb), or None."""
    if info.file_size > max_file_bytes:
        return _("The file is larger than %(limit)s bytes.") % {"limit": max_file_bytes}
    if info.file_size > 1024 * 1024 and info.file_size > max_ratio * max(info.compress_size, 1):
        return _("The file is compressed suspiciously well (zip bomb?): more than %(ratio)s to 1.") % {
            "ratio": max_ratio
        }
    return None


def totals_problems(infos, total, *, max_unpacked_bytes, max_ratio):
    """Archive-wide limits on the unpacked ``total`` of the kept files: ``[("", message), ...]``."""
    problems = []
    if total > max_unpacked_bytes:
        problems.append(("", _("Unpacked, the package exceeds %(limit)s bytes.") % {"limit": max_unpacked_bytes}))
    compressed = sum(info.compress_size for info in infos) or 1
    if total > 1024 * 1024 and total > max_ratio * compressed:
        problems.append(("", _("The archive is compressed suspiciously well (zip bomb?).")))
    return problems


def extract(archive, info, destination):
    """Stream one entry to ``destination``; refuse it when it inflates beyond its declared size or is damaged."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with archive.open(info) as source, open(destination, "wb") as target:
            while chunk := source.read(CHUNK):
                written += len(chunk)
                if written > info.file_size:
                    raise ArchiveError([(info.filename, _("The file is larger than its archive entry says."))])
                target.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
        raise ArchiveError([(info.filename, _("The file is damaged in the archive (unable to unzip it)."))]) from None


def work_folder(root):
    """A new private folder under ``root/tmp`` for one import."""
    work = root / "tmp" / uuid.uuid4().hex
    work.mkdir(parents=True)
    return work


def move_into_place(source, destination, work, moved):
    """Rename ``source`` to ``destination`` (atomic on one file system), keeping what was there in ``work``.

    ``moved`` collects ``(destination, backup or None)`` for ``undo_moves``.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    backup = None
    if destination.exists():
        backup = work / "old" / uuid.uuid4().hex
        backup.parent.mkdir(parents=True, exist_ok=True)
        os.replace(destination, backup)
    os.replace(source, destination)
    moved.append((destination, backup))


def undo_moves(moved):
    """Put everything back as it was before ``move_into_place`` calls (newest first)."""
    for destination, backup in reversed(moved):
        shutil.rmtree(destination, ignore_errors=True)
        if backup is not None:
            os.replace(backup, destination)
