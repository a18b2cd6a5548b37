"""Launches and the content origin: how a packaged activity (H5P, SCORM...) reaches an officer's browser,
and what the server can say about it afterwards.

Packages run scripts written by third parties, so their files are served from their own origin
(``CUSTODIA_CONTENT_ORIGIN``, a sibling host name of the platform), which holds no session and answers
nothing but content paths (``ContentOriginMiddleware``). The flow, for every kind of package:

1. The lesson page (platform origin, the officer's session) calls ``issue()``: a signed, short-lived
   token naming the officer, the page, the activity and the package. Nothing is written to the database.
2. The activity's frame opens the launch document, ``content_url(f"/<app>/launch/{token}/")``: the only
   URL that carries the token (never cached). Its view calls ``redeem()``, which records the ``Launch``
   (once per token) and ``grant_files()``, which sets a short-lived cookie scoped to the package's path.
3. The package's files are on stable, content-addressed URLs (``content_files.file_response()``: a year
   of ``immutable`` caching, Brotli or gzip), so a repeat visit downloads nothing but the launch document.
   Their views check ``files_granted()`` where ``CUSTODIA_CONTENT_REQUIRE_COOKIE`` is on (a content origin
   that is the same *site* as the platform); a cross-site content origin cannot rely on cookies (browsers
   block them in third-party frames), so there the unguessable content address is the only key.
4. A result reported by the browser names its launch; ``claim_result()`` accepts one result per launch,
   from its officer, not sooner than the activity could be done after the launch document was served.

Every absolute URL comes from ``public_url()`` (the platform) or ``content_url()`` (the content origin).
"""

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve, set_urlconf
from django.utils import timezone

from learning.models import Launch

LAUNCH_SALT = "learning.launch"
SESSION_SALT = "learning.launch.session"  # noqa: S105 - signing salts, not secrets
FILES_SALT = "learning.launch.files"
FILES_COOKIE = "custodia_files"


# Origins ------------------------------------------------------------------------------------------
def _origin(url):
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def public_origin():
    """The platform's origin (``scheme://host[:port]``), from settings, never from a request's Host header."""
    return _origin(getattr(settings, "CUSTODIA_PUBLIC_URL", "") or settings.WAGTAILADMIN_BASE_URL)


def public_url(path=""):
    """An absolute URL on the platform: the one place that builds them."""
    return public_origin() + path


def content_origin():
    """The content origin (``scheme://host[:port]``), or "" when none is configured (no package is served)."""
    return _origin(getattr(settings, "CUSTODIA_CONTENT_ORIGIN", ""))


def content_url(path=""):
    """An absolute URL on the content origin."""
    return content_origin() + path


def is_content_host(request):
    origin = content_origin()
    return bool(origin) and request.get_host().lower() == urlsplit(origin).netloc


def files_need_cookie():
    """Whether content files require the launch's cookie (on when the content origin is the platform's site)."""
    return bool(getattr(settings, "CUSTODIA_CONTENT_REQUIRE_COOKIE", False))


# Launch tokens and records -----------------------------------------------------------------------
@dataclass(frozen=True)
class Ticket:
    """What the lesson page hands out: the token (for the launch document's URL) and the launch's id."""

    token: str
    launch_id: uuid.UUID


def token_max_age():
    """Seconds during which a launch document can be opened after the lesson page was served."""
    return int(getattr(settings, "CUSTODIA_LAUNCH_MAX_AGE", 4 * 60 * 60))


def session_max_age():
    """Seconds during which a launch can save state or report a result after it was served."""
    return int(getattr(settings, "CUSTODIA_LAUNCH_SESSION_MAX_AGE", 24 * 60 * 60))


def issue(*, user, page, activity_id, kind, package, language="", preview=False):
    """A launch token for ``user`` to open ``package`` as ``activity_id`` of ``page``. No database write."""
    launch_id = uuid.uuid4()
    payload = {
        "n": launch_id.hex,
        "u": user.pk,
        "p": page.pk,
        "a": str(activity_id),
        "k": kind,
        "c": str(package),
        "l": language or "",
        "v": bool(preview),
        "t": int(time.time()),
    }
    return Ticket(signing.dumps(payload, salt=LAUNCH_SALT, compress=True), launch_id)


def read_token(token, *, max_age=None):
    """The payload of a launch token (a dict), or None when forged or older than ``max_age`` seconds."""
    try:
        data = signing.loads(token, salt=LAUNCH_SALT, max_age=token_max_age() if max_age is None else max_age)
        uuid.UUID(data["n"])
        return data if isinstance(data["u"], int) and isinstance(data["p"], int) else None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def redeem(token, *, kind):
    """Record the launch of a token (on the content origin, when its launch document is served).

    Returns the ``Launch`` or None (forged, expired, another kind). Opening the same document again
    returns the same launch: one row per token, backed by the unique launch id.
    """
    data = read_token(token)
    if data is None or data.get("k") != kind:
        return None
    launch, _created = Launch.objects.get_or_create(
        uuid=uuid.UUID(data["n"]),
        defaults={
            "user_id": data["u"],
            "page_id": data["p"],
            "activity_id": data["a"][:255],
            "kind": kind[:20],
            "package": data["c"][:128],
            "language": data["l"][:20],
            "preview": bool(data["v"]),
            "issued_at": datetime.fromtimestamp(data["t"], tz=UTC),
        },
    )
    return launch


def session_token(launch):
    """A token naming a served launch, for the player's own requests (saved state): not in any cached URL."""
    return signing.dumps({"n": launch.uuid.hex, "k": launch.kind}, salt=SESSION_SALT)


def launch_for_session(value, *, kind):
    """The ``Launch`` a session token names (None when forged, expired or of another kind)."""
    try:
        data = signing.loads(value, salt=SESSION_SALT, max_age=session_max_age())
        if data["k"] != kind:
            return None
        return Launch.objects.filter(uuid=uuid.UUID(data["n"]), kind=kind).first()
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def launch_for_result(token, *, user, kind):
    """The served launch a result from ``user`` may be recorded under, from the token the lesson page holds.

    None when the token is forged or too old, of another officer or kind, or when the launch document
    was never served (nothing of the activity reached the browser).
    """
    data = read_token(token, max_age=token_max_age() + session_max_age())
    if data is None or data.get("k") != kind or data["u"] != user.pk:
        return None
    return Launch.objects.filter(uuid=uuid.UUID(data["n"]), user=user, kind=kind).first()


class ResultRefused(Exception):
    """Why a result cannot be recorded under a launch: ``reason`` is one of the codes below."""

    PREVIEW = "preview"
    ALREADY_RECORDED = "already-recorded"
    TOO_SOON = "too-soon"
    EXPIRED = "expired"

    def __init__(self, reason, *, wait=0):
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


def claim_result(launch, *, min_seconds, now=None):
    """Reserve ``launch`` for one result; call inside the transaction that stores the result.

    Refuses (``ResultRefused``) previews, a launch that already has its result, a launch served more than
    ``session_max_age()`` ago, and a result sooner than ``min_seconds`` after the launch document was
    served. The conditional update makes "once per launch" hold across concurrent requests and processes.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_result() runs in the transaction that stores the result.")
    now = now or timezone.now()
    if launch.preview:
        raise ResultRefused(ResultRefused.PREVIEW)
    if launch.result_at is not None:
        raise ResultRefused(ResultRefused.ALREADY_RECORDED)
    elapsed = (now - launch.served_at).total_seconds()
    if elapsed > session_max_age():
        raise ResultRefused(ResultRefused.EXPIRED)
    if elapsed < min_seconds:
        raise ResultRefused(ResultRefused.TOO_SOON, wait=int(min_seconds - elapsed) + 1)
    if not Launch.objects.filter(pk=launch.pk, result_at__isnull=True).update(result_at=now):
        raise ResultRefused(ResultRefused.ALREADY_RECORDED)
    launch.result_at = now
    return launch


# Access to a package's files on the content origin --------------------------------------------------
def grant_files(response, launch, path):
    """Let the browser that opened ``launch`` fetch the files under ``path`` (a cookie scoped to that path).

    Short-lived (``CUSTODIA_CONTENT_COOKIE_MAX_AGE``); each launch renews it. ``SameSite=None; Secure`` on
    https (the platform frames the content origin), ``Lax`` on plain http (development).
    """
    secure = content_origin().startswith("https://")
    max_age = int(getattr(settings, "CUSTODIA_CONTENT_COOKIE_MAX_AGE", 2 * 60 * 60))
    value = signing.TimestampSigner(salt=FILES_SALT).sign(f"{launch.uuid.hex}:{path}")
    response.set_cookie(
        FILES_COOKIE,
        value,
        max_age=max_age,
        path=path,
        secure=secure,
        httponly=True,
        samesite="None" if secure else "Lax",
    )
    return response


def files_granted(request, path):
    """Whether the request may read files under ``path``: always, unless ``files_need_cookie()``; then only
    with a cookie from ``grant_files()`` for exactly that path, not older than its lifetime."""
    if not files_need_cookie():
        return True
    max_age = int(getattr(settings, "CUSTODIA_CONTENT_COOKIE_MAX_AGE", 2 * 60 * 60))
    value = request.COOKIES.get(FILES_COOKIE, "")
    try:
        _launch, _sep, granted = signing.TimestampSigner(salt=FILES_SALT).unsign(value, max_age=max_age).partition(":")
    except signing.BadSignature:
        return False
    return granted == path and request.path.startswith(path)


# The content host -------------------------------------------------------------------------------------
def _plain(status, text):
    return HttpResponse(text.encode(), status=status, content_type="text/plain; charset=utf-8")


def content_bad_request(request, exception=None):
    return _plain(400, "Bad request")


def content_forbidden(request, exception=None):
    return _plain(403, "Forbidden")


def content_not_found(request, exception=None):
    """The content host's 404: plain text, no template of the platform, no link to it."""
    return _plain(404, "Not found")


def content_server_error(request):
    return _plain(500, "Server error")


class ContentOriginMiddleware:
    """On the content host, answer only the content paths (``CUSTODIA_CONTENT_URLCONF``); everything else is 404.

    Requests to the content host are resolved here and never reach the rest of the middleware: no
    session, no sign-in, no CSRF cookie, no language redirect, no Wagtail page. On the platform's hosts
    the content paths do not exist (they are not in ``ROOT_URLCONF``). Place it first, after
    ``SecurityMiddleware``. Errors use the content URLconf's plain-text handlers (``content_*`` above).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_content_host(request):
            return self.get_response(request)
        urlconf = settings.CUSTODIA_CONTENT_URLCONF
        request.urlconf = urlconf
        set_urlconf(urlconf)  # Django resets it when the request finishes
        try:
            match = resolve(request.path_info, urlconf)
        except Resolver404:
            return content_not_found(request)
        return match.func(request, *match.args, **match.kwargs)
