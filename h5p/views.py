"""Views on the content origin (player page, files, resume state) and on the platform (results).

Content-origin views (h5p/content_urls.py, reachable only on ``CUSTODIA_CONTENT_ORIGIN``'s host) authenticate
with the signed token in the URL (the content origin has no session cookie), send explicit content types,
``nosniff`` and a strict Content-Security-Policy.
"""

import json
import mimetypes
import posixpath
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.models import Page

from h5p.access import Grant, is_enrolled, read_token
from h5p.models import H5PPackage, H5PResult, H5PUserData, LibraryStatus
from h5p.player import block_packages, block_settings, find_block, player_options
from h5p.services import content_dir, libraries_dir
from h5p.validation import CONTENT_EXTENSIONS, LIBRARY_EXTENSIONS
from learning.launch import content_url

# Explicit types: never guessed from the bytes, never text/html.
CONTENT_TYPES = {
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "json": "application/json",
    "svg": "image/svg+xml",
    "txt": "text/plain; charset=utf-8",
    "md": "text/plain; charset=utf-8",
    "textile": "text/plain; charset=utf-8",
    "diff": "text/plain; charset=utf-8",
    "patch": "text/plain; charset=utf-8",
    "csv": "text/plain; charset=utf-8",
    "xml": "text/plain; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "webvtt": "text/vtt; charset=utf-8",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "ttf": "font/ttf",
    "otf": "font/otf",
    "eot": "application/vnd.ms-fontobject",
    "m4a": "audio/mp4",
    "swf": "application/octet-stream",
}
# Files that are not the player's scripts: no script may run in them, even when opened directly.
FILE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; font-src 'self'; sandbox"
PLAYER_DIST = "h5p-standalone/dist"
OWN_PLAYER_FILES = Path(__file__).resolve().parent / "static" / "h5p"
PLAYER_INLINE_SCRIPT_HASH = "sha256-8CniZYrnO46q7MvZ3m08Wom1HH/ZhyXmm29kBKTV1rk="


def _content_type(path):
    extension = posixpath.splitext(path)[1].lower().lstrip(".")
    if extension in CONTENT_TYPES:
        return CONTENT_TYPES[extension]
    guessed = mimetypes.types_map.get("." + extension)
    return guessed if guessed and "html" not in guessed else "application/octet-stream"


def _harden(response, csp=FILE_CSP):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Referrer-Policy"] = "no-referrer"
    if csp:
        response["Content-Security-Policy"] = csp
    return response


def _safe_relative(path):
    parts = path.split("/")
    if not path or path.startswith("/") or "\\" in path or any(part in ("", ".", "..") for part in parts):
        raise Http404
    return path


def _grant_or_404(request, token, *, with_h5p_json=True):
    grant = read_token(token)
    if grant is None:
        raise Http404
    packages = H5PPackage.objects.all() if with_h5p_json else H5PPackage.objects.defer("h5p_json")
    package = packages.filter(pk=grant.package_id).first()
    if package is None:
        raise Http404
    return grant, package


def _library_blocked(package, folder):
    """Whether the package's library in ``folder`` (``Machine.Name-major.minor``) is blocked: one query."""
    machine_name, _dash, version = folder.rpartition("-")
    major, _dot, minor = version.partition(".")
    if not (major.isdecimal() and minor.isdecimal()) or f"{machine_name}-{int(major)}.{int(minor)}" != folder:
        return any(library.folder == folder for library in package.blocked_libraries())
    return package.libraries.filter(
        machine_name=machine_name, major_version=int(major), minor_version=int(minor), status=LibraryStatus.BLOCKED
    ).exists()


def _file_response(path, name, *, script_allowed=False):
    try:
        handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise Http404 from None
    response = FileResponse(handle, content_type=_content_type(name))
    response["Cache-Control"] = "private, max-age=3600"
    return _harden(response, csp=None if script_allowed else FILE_CSP)


@require_GET
def content_file(request, token, path):
    """A file of the package (h5p.json, content/...), under the token's grant."""
    _grant, package = _grant_or_404(request, token, with_h5p_json=False)
    path = _safe_relative(path)
    extension = posixpath.splitext(path)[1].lower().lstrip(".")
    if not (path == "h5p.json" or (path.startswith("content/") and extension in CONTENT_EXTENSIONS)):
        raise Http404
    return _file_response(content_dir(package.sha256) / path, path)


@require_GET
def library_file(request, token, path):
    """A file of one of the package's libraries, unless that library is blocked."""
    _grant, package = _grant_or_404(request, token, with_h5p_json=False)
    path = _safe_relative(path)
    folder = path.split("/", 1)[0]
    extension = posixpath.splitext(path)[1].lower().lstrip(".")
    if folder not in package.runtime_libraries or extension not in LIBRARY_EXTENSIONS:
        raise Http404
    if _library_blocked(package, folder):
        raise Http404
    return _file_response(libraries_dir() / path, path, script_allowed=extension in ("js", "css"))


@require_GET
def player_file(request, path):
    """h5p-standalone's dist files from node_modules (``npm ci``, never a CDN), and ours under ``custodia/``."""
    path = _safe_relative(path)
    root = Path(settings.NODE_MODULES_DIR) / PLAYER_DIST
    if path.startswith("custodia/"):
        root, path = OWN_PLAYER_FILES, path.removeprefix("custodia/")
    extension = posixpath.splitext(path)[1].lower().lstrip(".")
    if extension not in LIBRARY_EXTENSIONS | {"gif"}:
        raise Http404
    response = _file_response(root / path, path, script_allowed=extension in ("js", "css"))
    response["Cache-Control"] = "public, max-age=86400"
    response["Cross-Origin-Resource-Policy"] = "same-site"
    return response


def embed_csp(parent_origin):
    return "; ".join(
        [
            "default-src 'none'",
            # h5p-standalone 3.8.2 writes one fixed inline script into its about:blank frame
            # ("H5PIntegration = window.parent.H5PIntegration; ..."): allowed by its hash, nothing else inline.
            # Some content types evaluate strings (EmbeddedJS templates in MultiChoice): 'unsafe-eval' is
            # accepted here because this origin holds nothing of the platform's (no cookies, no session).
            f"script-src 'self' '{PLAYER_INLINE_SCRIPT_HASH}' 'unsafe-eval'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "media-src 'self' blob:",
            "connect-src 'self'",
            "frame-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            f"frame-ancestors {parent_origin}",
        ]
    )


@require_GET
@never_cache
@xframe_options_exempt  # framing is limited by CSP frame-ancestors to the platform's origin
def embed(request, token):
    """The player page, framed by the lesson page on the platform's origin."""
    grant, package = _grant_or_404(request, token)
    user = get_user_model().objects.filter(pk=grant.user_id, is_active=True).first()
    if user is None:
        raise Http404
    with translation.override(grant.language or settings.LANGUAGE_CODE):
        blocked = package.blocked_libraries()
        options = player_options(token=token, package=package, grant=grant, user=user, request=request)
        language = options.pop("_language")
        response = render(
            request,
            "h5p/embed.html",
            {
                "package": package,
                "blocked": blocked,
                "config": {"options": options, "parentOrigin": grant.parent_origin},
                "language": language,
                "player_css": options["frameCss"],
                "player_js": options["frameJs"].replace("frame.bundle.js", "main.bundle.js"),
                "embed_js": content_url("/h5p/player/custodia/h5p-embed.js"),
                "embed_css": content_url("/h5p/player/custodia/h5p-embed.css"),
            },
        )
    return _harden(response, csp=embed_csp(grant.parent_origin))


@csrf_exempt  # authenticated by the signed token in the path, not by cookies: nothing ambient to forge
@require_http_methods(["GET", "POST"])
@never_cache
def user_data(request, token, content_id, data_type, sub_content_id):
    """H5P's contentUserData endpoint: the officer's resume state for this block."""
    grant, package = _grant_or_404(request, token, with_h5p_json=False)
    key = {
        "user_id": grant.user_id,
        "package": package,
        "page_id": grant.page_id,
        "block_id": grant.block_id,
        "sub_content_id": str(sub_content_id)[:64],
        "data_type": str(data_type)[:64],
    }
    if request.method == "GET":
        row = H5PUserData.objects.filter(**key).first()
        return _harden(JsonResponse({"success": True, "data": row.data if row else False}))
    data = request.POST.get("data", "")
    if len(data) > 1024 * 1024:
        return _harden(JsonResponse({"success": False, "message": _("The saved state is too large.")}, status=413))
    if data in ("", "0") or request.POST.get("invalidate") == "1" and data == "0":
        H5PUserData.objects.filter(**key).delete()
    else:
        H5PUserData.objects.update_or_create(
            **key, defaults={"data": data, "preload": request.POST.get("preload") == "1"}
        )
    return _harden(JsonResponse({"success": True}))


def _number(value):
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError
    number = Decimal(str(value))
    if not number.is_finite():
        raise ValueError
    return number


def score_of(statement):
    """``(raw, max, percent)`` recomputed from raw and max (``scaled`` is never trusted), or None."""
    try:
        score = statement["result"]["score"]
        raw, maximum = _number(score["raw"]), _number(score["max"])
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return None
    if maximum <= 0 or maximum > 100000 or raw < 0 or raw > maximum:
        return None
    percent = (raw * 100 / maximum).quantize(Decimal("0.01"))
    return raw.quantize(Decimal("0.01")), maximum.quantize(Decimal("0.01")), percent


def _is_top_level(statement):
    context = statement.get("context") or {}
    return not (context.get("contextActivities") or {}).get("parent")


@require_POST
def record_result(request):
    """A scored top-level xAPI statement, relayed by the lesson page (session + CSRF protected)."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Sign in to record your results.")}, status=401)
    try:
        body = json.loads(request.body.decode("utf-8"))
        token, statement = body["token"], body["statement"]
        if not isinstance(statement, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return JsonResponse({"error": _("The result could not be read.")}, status=400)
    if len(request.body) > 256 * 1024:
        return JsonResponse({"error": _("The result could not be read.")}, status=400)
    grant = read_token(token)
    if grant is None or grant.user_id != request.user.pk:
        return JsonResponse({"error": _("This activity has expired: reload the page.")}, status=403)
    page = Page.objects.filter(pk=grant.page_id).first()
    page = page.specific if page is not None else None
    value = find_block(page, grant.block_id) if page is not None else None
    if value is None:
        return JsonResponse({"error": _("This activity is no longer in the lesson.")}, status=404)
    packages = {package.pk: package for package in block_packages(value).values()}
    package = packages.get(grant.package_id)
    if package is None:
        return JsonResponse({"error": _("This activity has changed: reload the page.")}, status=409)
    if not _is_top_level(statement):
        return JsonResponse({"recorded": False}, status=202)
    score = score_of(statement)
    if score is None:
        return JsonResponse({"recorded": False}, status=202)
    if not is_enrolled(request.user, page):
        return JsonResponse({"error": _("Enrol in the course to have your results recorded.")}, status=403)
    result = save_result(request.user, page, grant, package, value, statement, score)
    message = _("Your result has been recorded: %(score)s of %(max)s (%(percent)s%%).") % {
        "score": f"{result.raw_score.normalize():f}",
        "max": f"{result.max_score.normalize():f}",
        "percent": f"{result.percent.normalize():f}",
    }
    if result.counts:
        message += " " + (
            _("It meets the minimum score for this activity.")
            if result.passed
            else _("The minimum score for this activity is %(minimum)s%%.") % {"minimum": result.minimum_score}
        )
    return JsonResponse(
        {"recorded": True, "percent": str(result.percent), "passed": result.passed, "message": message}
    )


def save_result(user, page, grant: Grant, package, value, statement, score):
    """Store the H5P result and report it to the learning app (ActivityResult + statement outbox)."""
    from learning.api import record_activity_result
    from learning.models import Provenance

    raw, maximum, percent = score
    counts, minimum = block_settings(value)
    passed = percent >= minimum
    verb = str((statement.get("verb") or {}).get("id", ""))[:200]
    with transaction.atomic():
        activity = record_activity_result(
            user,
            page,
            score=raw,
            max_score=maximum,
            passed=passed,
            counts=counts,
            provenance=Provenance.BROWSER,
            activity_id=f"h5p:{grant.block_id}",
            detail=f"H5P {package.main_library_version or package.main_library} · {package.sha256[:12]}",
        )
        return H5PResult.objects.create(
            user=user,
            package=package,
            package_sha256=package.sha256,
            page=page,
            block_id=grant.block_id,
            language=grant.language,
            verb=verb,
            raw_score=raw,
            max_score=maximum,
            percent=percent,
            passed=passed,
            counts=counts,
            minimum_score=minimum,
            statement=statement,
            activity_result_uuid=activity.uuid,
        )
