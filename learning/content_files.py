"""Files of packaged activities on the content origin: immutable caching and Brotli or gzip.

Package files are served on content-addressed URLs (the bytes under a URL never change), so browsers
keep them for a year without asking again (``immutable``). Text-like files are sent compressed: the
compressed copy is made once, on the first request that accepts it, and kept under
``CUSTODIA_CONTENT_CACHE_DIR`` (default ``MEDIA_ROOT/content-cache``; safe to delete at any time).
"""

import gzip
import hashlib
import os
import uuid
from pathlib import Path

import brotli
from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.cache import patch_vary_headers

YEAR = 365 * 24 * 60 * 60
PUBLIC_IMMUTABLE = f"public, max-age={YEAR}, immutable"
PRIVATE_IMMUTABLE = f"private, max-age={YEAR}, immutable"
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "image/svg+xml",
    "image/bmp",
    "font/ttf",
    "font/otf",
    "application/vnd.ms-fontobject",
)
MIN_COMPRESS_BYTES = 512


def cache_dir():
    return Path(getattr(settings, "CUSTODIA_CONTENT_CACHE_DIR", "") or Path(settings.MEDIA_ROOT) / "content-cache")


def is_compressible(content_type):
    return content_type.startswith(COMPRESSIBLE_TYPES)


def accepted_encoding(request):
    """``"br"``, ``"gzip"`` or None, from the request's Accept-Encoding (q=0 refuses a coding)."""
    offered = {}
    for item in request.headers.get("Accept-Encoding", "").split(","):
        name, _sep, params = item.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        offered[name.strip().lower()] = quality
    for coding in ("br", "gzip"):
        if offered.get(coding, offered.get("*", 0)) > 0:
            return coding
    return None


def _compress(data, coding):
    if coding == "br":
        return brotli.compress(data, quality=11 if len(data) <= 1 << 20 else 9)
    return gzip.compress(data, compresslevel=9, mtime=0)


def compressed_copy(path, coding, stat):
    """The path of ``path`` compressed with ``coding`` (made now if missing), or None when it would not be smaller."""
    key = hashlib.sha256(f"{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()).hexdigest()
    target = cache_dir() / key[:2] / f"{key}.{coding}"
    skip = target.with_suffix(".none")
    if target.exists():
        return target
    if skip.exists():
        return None
    data = path.read_bytes()
    packed = _compress(data, coding)
    target.parent.mkdir(parents=True, exist_ok=True)
    if len(packed) >= len(data) * 0.95:
        skip.touch()
        return None
    temporary = target.with_name(f"{target.name}.{uuid.uuid4().hex}.tmp")
    temporary.write_bytes(packed)
    os.replace(temporary, target)  # atomic: a concurrent request reads the old name or the whole file
    return target


def file_response(request, path, *, content_type, cache_control=PUBLIC_IMMUTABLE):
    """Serve the file at ``path`` (404 when missing), compressed when the type allows and the client accepts."""
    path = Path(path)
    try:
        stat = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise Http404 from None
    if not path.is_file():
        raise Http404
    source, coding = path, None
    compressible = is_compressible(content_type) and stat.st_size >= MIN_COMPRESS_BYTES
    if compressible:
        coding = accepted_encoding(request)
        variant = compressed_copy(path, coding, stat) if coding else None
        if variant is not None:
            source = variant
        else:
            coding = None
    response = FileResponse(open(source, "rb"), content_type=content_type)  # noqa: SIM115 - FileResponse closes it
    if "Content-Disposition" in response:
        del response["Content-Disposition"]
    if coding:
        response["Content-Encoding"] = coding
    if compressible:
        patch_vary_headers(response, ["Accept-Encoding"])
    response["Cache-Control"] = cache_control
    return response
