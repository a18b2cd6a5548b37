"""H5P on the content origin (launch document, files, resume state) and on the platform (results).

Content-origin views (h5p/content_urls.py) are reachable only on ``CUSTODIA_CONTENT_ORIGIN``'s host, where
no session exists (``learning.launch``). Only the launch document carries a token; the package's files
and libraries are on stable content-addressed URLs cached for a year. Every response sends explicit
content types, ``nosniff`` and a strict Content-Security-Policy.
"""

import json
import mimetypes
import posixpath
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from h5p.access import is_enrolled
from h5p.models import H5PLibrary, H5PPackage, H5PResult, H5PUserData, LibraryStatus
from h5p.player import (
    block_packages,
    block_settings,
    content_path,
    find_block,
    minimum_seconds,
    player_file_path,
    player_key,
    player_options,
    preload_urls,
)
from h5p.services import content_dir, library_dir
from h5p.validation import CONTENT_EXTENSIONS, LIBRARY_EXTENSIONS, LIBRARY_FOLDER_RE
from learning import launch as launches
from learning.content_files import PRIVATE_IMMUTABLE, PUBLIC_IMMUTABLE, file_response

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
PLAYER_INLINE_SCRIPT_HASH = "sha256-8CniZYrnO46q7MvZ3m08Wom1HH/ZhyXmm29kBKTV1rk="
MAX_RESULT_BYTES = 256 * 1024
MAX_STATE_BYTES = 1024 * 1024


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


def _extension(path):
    return posixpath.splitext(path)[1].lower().lstrip(".")


# Content origin: files ------------------------------------------------------------------------------------
@require_GET
def content_file(request, key, path):
    """A file of the package (h5p.json, content/...), for a browser its launch let in."""
    if not launches.files_granted(request, f"/h5p/content/{key}/"):
        raise Http404
    path = _safe_relative(path)
    if not (path == "h5p.json" or (path.startswith("content/") and _extension(path) in CONTENT_EXTENSIONS)):
        raise Http404
    sha256 = H5PPackage.objects.filter(content_key=key).values_list("sha256", flat=True).first()
    if sha256 is None:
        raise Http404
    response = file_response(
        request, content_dir(sha256) / path, content_type=_content_type(path), cache_control=PRIVATE_IMMUTABLE
    )
    return _harden(response)


@require_GET
def library_file(request, key, path):
    """A file of an approved library version, addressed by the set of versions a package loads."""
    path = _safe_relative(path)
    folder, _sep, rest = path.partition("/")
    match = LIBRARY_FOLDER_RE.match(folder)
    extension = _extension(path)
    if match is None or not rest or extension not in LIBRARY_EXTENSIONS:
        raise Http404
    machine_name = folder[: -len(f"-{match.group(1)}.{match.group(2)}")]
    library = (
        H5PLibrary.objects.filter(
            packages__library_set=key,
            machine_name=machine_name,
            major_version=int(match.group(1)),
            minor_version=int(match.group(2)),
            status=LibraryStatus.APPROVED,
        )
        .only("storage")
        .first()
    )
    if library is None:
        raise Http404
    response = file_response(
        request, library_dir(library) / rest, content_type=_content_type(path), cache_control=PUBLIC_IMMUTABLE
    )
    return _harden(response, csp=None if extension in ("js", "css") else FILE_CSP)


@require_GET
def player_file(request, key, path):
    """The player (h5p-standalone from ``npm ci``, never a CDN) and our own files, under the player's key."""
    path = _safe_relative(path)
    extension = _extension(path)
    if key != player_key() or extension not in LIBRARY_EXTENSIONS | {"gif"}:
        raise Http404
    source = player_file_path(path)
    if source is None:
        raise Http404
    response = file_response(request, source, content_type=_content_type(path), cache_control=PUBLIC_IMMUTABLE)
    response = _harden(response, csp=None if extension in ("js", "css") else FILE_CSP)
    response["Cross-Origin-Resource-Policy"] = "same-site"
    return response


# Content origin: the launch document -------------------------------------------------------------------------
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


def _state_rows(launch, package_id):
    return H5PUserData.objects.filter(
        user_id=launch.user_id, package_id=package_id, page_id=launch.page_id, block_id=launch.activity_id[:64]
    )


@require_GET
@xframe_options_exempt  # framing is limited by CSP frame-ancestors to the platform's origin
def launch_document(request, token):
    """The player page, framed by the lesson page: serving it records the launch and lets the browser in."""
    launch = launches.redeem(token, kind="h5p")
    if launch is None:
        raise Http404
    package = H5PPackage.objects.filter(sha256=launch.package).first()
    if package is None:
        raise Http404
    libraries = package.runtime_library_rows()
    parent_origin = launches.public_origin()
    with translation.override(launch.language or settings.LANGUAGE_CODE):
        unavailable = [library for library in libraries if not library.is_approved]
        options = player_options(
            launch=launch, package=package, user=launch.user, state_rows=_state_rows(launch, package.pk)
        )
        language = options.pop("_language")
        response = render(
            request,
            "h5p/embed.html",
            {
                "package": package,
                "unavailable": unavailable,
                "config": {"options": options, "parentOrigin": parent_origin},
                "language": language,
                "preload": preload_urls(package, libraries),
                "player_js": launches.content_url(f"/h5p/player/{player_key()}/main.bundle.js"),
                "embed_js": launches.content_url(f"/h5p/player/{player_key()}/custodia/embed.js"),
                "embed_css": launches.content_url(f"/h5p/player/{player_key()}/custodia/embed.css"),
            },
        )
    response["Cache-Control"] = "no-store"
    launches.grant_files(response, launch, content_path(package))
    return _harden(response, csp=embed_csp(parent_origin))


# Content origin: the officer's saved state -------------------------------------------------------------------
@csrf_exempt  # authenticated by the signed launch in the path, not by cookies: nothing ambient to forge
@require_http_methods(["GET", "POST"])
@never_cache
def user_data(request, session, content_id, data_type, sub_content_id):
    """H5P's contentUserData endpoint: the officer's resume state for this block, under a served launch."""
    launch = launches.launch_for_session(session, kind="h5p")
    if launch is None:
        raise Http404
    package_id = H5PPackage.objects.filter(sha256=launch.package).values_list("pk", flat=True).first()
    if package_id is None:
        raise Http404
    key = {
        "user_id": launch.user_id,
        "package_id": package_id,
        "page_id": launch.page_id,
        "block_id": launch.activity_id[:64],
        "sub_content_id": str(sub_content_id)[:64],
        "data_type": str(data_type)[:64],
    }
    if request.method == "GET":
        row = H5PUserData.objects.filter(**key).first()
        return _harden(JsonResponse({"success": True, "data": row.data if row else False}))
    data = request.POST.get("data", "")
    if len(data) > MAX_STATE_BYTES:
        return _harden(JsonResponse({"success": False, "message": _("The saved state is too large.")}, status=413))
    if "\x00" in data:
        message = _("The saved state could not be read.")
        return _harden(JsonResponse({"success": False, "message": message}, status=400))
    if data in ("", "0") or request.POST.get("invalidate") == "1" and data == "0":
        H5PUserData.objects.filter(**key).delete()
    else:
        H5PUserData.objects.update_or_create(
            **key, defaults={"data": data, "preload": request.POST.get("preload") == "1"}
        )
    return _harden(JsonResponse({"success": True}))


# Platform: results -----------------------------------------------------------------------------------------------
MAX_SCORE = Decimal(100000)


def _number(value):
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError
    if isinstance(value, str) and len(value) > 32:
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
    if maximum <= 0 or maximum > MAX_SCORE or raw < 0 or raw > maximum:
        return None
    raw, maximum = raw.quantize(Decimal("0.01")), maximum.quantize(Decimal("0.01"))
    if maximum <= 0:
        return None
    percent = (raw * 100 / maximum).quantize(Decimal("0.01"))
    return raw, maximum, percent


def _is_top_level(statement):
    context = statement.get("context")
    activities = context.get("contextActivities") if isinstance(context, dict) else None
    return not (isinstance(activities, dict) and activities.get("parent"))


def _storable(statement):
    """Whether the statement can be stored as JSON in every database (no NUL, no lone surrogate)."""
    try:
        text = json.dumps(statement, ensure_ascii=False)
        text.encode("utf-8")
    except (ValueError, TypeError, RecursionError, UnicodeEncodeError):
        return False
    return "\\u0000" not in text and "\x00" not in text


def _read_result(request):
    """``(token, statement)`` from the request body, or None when it is not a well-formed result."""
    if len(request.body) > MAX_RESULT_BYTES:
        return None
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(body, dict):
        return None
    token, statement = body.get("launch"), body.get("statement")
    if not isinstance(token, str) or len(token) > 2048 or not isinstance(statement, dict) or not _storable(statement):
        return None
    return token, statement


def _refusal(refused):
    """The answer to a result that cannot count under its launch."""
    if refused.reason == launches.ResultRefused.PREVIEW:
        return 202, {"recorded": False, "message": _("Preview: your result is not recorded.")}
    if refused.reason == launches.ResultRefused.TOO_SOON:
        message = _(
            "This answer came sooner than the activity can be done, so it was not recorded. "
            "Take the time to work through it (at least %(seconds)s more seconds) and check your answer again."
        ) % {"seconds": refused.wait}
        return 422, {"recorded": False, "error": message}
    if refused.reason == launches.ResultRefused.ALREADY_RECORDED:
        message = _("A result is already recorded for this attempt. Start a new attempt to record another one.")
        return 409, {"recorded": False, "error": message}
    return 403, {"recorded": False, "error": _("This activity has expired: reload the page.")}


def _next_attempt(user, launch, package):
    """A new launch (nothing written) for another attempt at the same activity."""
    ticket = launches.issue(
        user=user,
        page=launch.page,
        activity_id=launch.activity_id,
        kind="h5p",
        package=package.sha256,
        language=launch.language,
    )
    return {"launch": ticket.token, "src": launches.content_url(f"/h5p/launch/{ticket.token}/")}


@require_POST
def record_result(request):
    """A scored top-level xAPI statement, relayed by the lesson page (session + CSRF protected).

    It counts only under a launch the server recorded for this officer, once, and not sooner than the
    block's minimum time after the launch document was served.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Sign in to record your results.")}, status=401)
    parsed = _read_result(request)
    if parsed is None:
        return JsonResponse({"error": _("The result could not be read.")}, status=400)
    token, statement = parsed
    launch = launches.launch_for_result(token, user=request.user, kind="h5p")
    if launch is None:
        return JsonResponse({"error": _("This activity has expired: reload the page.")}, status=403)
    page = launch.page.specific
    value = find_block(page, launch.activity_id)
    if value is None:
        return JsonResponse({"error": _("This activity is no longer in the lesson.")}, status=404)
    package = next((item for item in block_packages(value).values() if item.sha256 == launch.package), None)
    if package is None:
        return JsonResponse({"error": _("This activity has changed: reload the page.")}, status=409)
    if not _is_top_level(statement):
        return JsonResponse({"recorded": False}, status=202)
    score = score_of(statement)
    if score is None:
        return JsonResponse({"recorded": False}, status=202)
    if not launch.preview and not is_enrolled(request.user, page):
        return JsonResponse({"error": _("Enrol in the course to have your results recorded.")}, status=403)
    try:
        with transaction.atomic():
            launches.claim_result(launch, min_seconds=minimum_seconds(value))
            result = save_result(request.user, page, launch, package, value, statement, score)
    except launches.ResultRefused as refused:
        status, answer = _refusal(refused)
        if refused.reason == launches.ResultRefused.ALREADY_RECORDED:
            answer["next"] = _next_attempt(request.user, launch, package)
        return JsonResponse(answer, status=status)
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
        {
            "recorded": True,
            "percent": str(result.percent),
            "passed": result.passed,
            "message": message,
            "next": _next_attempt(request.user, launch, package),
        }
    )


def save_result(user, page, launch, package, value, statement, score):
    """Store the H5P result and report it to the learning app (ActivityResult + statement outbox)."""
    from learning.api import record_activity_result
    from learning.models import Provenance

    raw, maximum, percent = score
    counts, minimum = block_settings(value)
    passed = percent >= minimum
    verb = (statement.get("verb") or {}).get("id", "") if isinstance(statement.get("verb"), dict) else ""
    activity = record_activity_result(
        user,
        page,
        score=raw,
        max_score=maximum,
        passed=passed,
        counts=counts,
        provenance=Provenance.BROWSER,
        activity_id=f"h5p:{launch.activity_id}",
        detail=f"H5P {package.main_library_version or package.main_library} · {package.sha256[:12]}",
        launch=launch,
    )
    return H5PResult.objects.create(
        user=user,
        package=package,
        package_sha256=package.sha256,
        page=page,
        block_id=launch.activity_id[:64],
        language=launch.language,
        verb=str(verb)[:200],
        raw_score=raw,
        max_score=maximum,
        percent=percent,
        passed=passed,
        counts=counts,
        minimum_score=minimum,
        statement=statement,
        activity_result_uuid=activity.uuid,
        launch=launch,
    )
