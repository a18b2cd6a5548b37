"""Two-factor authentication (TOTP, django-otp) for everyone who can see or change other people's records.

By permission, not by URL. A user is *privileged* when they are staff, a superuser, may open the
authoring admin, or hold a role that a higher app registers with ``register_privilege`` (academy
administrators and trainers: ``organisations``). A view is *privileged* when it reads other people's
records or changes them; it says so by being wrapped in ``privileged`` (one view) or
``guard_urlpatterns`` (every view of a URLconf: the Wagtail admin, the academy records). With
``CUSTODIA_REQUIRE_STAFF_2FA`` on (production), a privileged user reaches a privileged view only with
a TOTP code (or a recovery code) verified in the current session; everyone else passes through to the
view's own permission checks. tests/security/test_two_factor_walk.py walks every URL pattern and fails
on a view that lets an unverified privileged user in.

Recovery codes: ten single-use codes shown once, stored as SHA-256 digests (``RecoveryCodes``, a
django-otp device, so a recovery code verifies the session like the app's code). Lost everything:
``manage.py reset_two_factor EMAIL``.
"""

import hashlib
import secrets
from base64 import b32encode
from functools import update_wrapper, wraps

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.http import wants_json

DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no i, l, o, 0, 1: nothing to misread
RECOVERY_CODE_LENGTH = 16  # 31**16 ≈ 2**79: an unsalted digest cannot be reversed by trying them all
GUARD_ATTRIBUTE = "custodia_privileged"

_privilege_checks = []


def two_factor_required():
    return bool(getattr(settings, "CUSTODIA_REQUIRE_STAFF_2FA", False))


def register_privilege(check):
    """Add ``check(user) -> bool``: a role of a higher app that sees or changes other people's records."""
    if check not in _privilege_checks:
        _privilege_checks.append(check)
    return check


def is_privileged(user):
    """Staff, superusers, admin users, and whoever a registered check names (academy administrators...)."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    if user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"):
        return True
    return any(check(user) for check in _privilege_checks)


can_use_two_factor = is_privileged  # the users two-factor protects, and who may enrol


def is_verified(user):
    verified = getattr(user, "is_verified", None)  # installed by django_otp's OTPMiddleware
    return bool(verified and verified())


def needs_verification(user):
    """True when the setting is on and this signed-in, privileged user has not entered a code yet."""
    return two_factor_required() and not is_verified(user) and is_privileged(user)


def has_confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def verification_redirect(request):
    """To the code page (or to enrolment, for those with no authenticator yet), then back here."""
    if wants_json(request):
        message = _("Enter your two-factor code first: reload the page.")
        return JsonResponse({"error": "two_factor_required", "message": message}, status=403)
    if has_confirmed_device(request.user):
        target = reverse("accounts:two_factor_verify")
    else:
        target = reverse("accounts:two_factor_setup")
    return redirect_to_login(request.get_full_path(), target)


def privileged(view):
    """Mark ``view`` as reading or changing other people's records: verified privileged users only."""
    if getattr(view, GUARD_ATTRIBUTE, False):
        return view

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if needs_verification(request.user):
            return verification_redirect(request)
        return view(request, *args, **kwargs)

    setattr(guarded, GUARD_ATTRIBUTE, True)
    return guarded


def guard_urlpatterns(urlpatterns, *, open_names=()):
    """Wrap every view of ``urlpatterns`` (nested includes too) in ``privileged``, but the ``open_names``."""
    for pattern in urlpatterns:
        if hasattr(pattern, "url_patterns"):
            guard_urlpatterns(pattern.url_patterns, open_names=open_names)
        elif getattr(pattern, "callback", None) and pattern.name not in open_names:
            pattern.callback = update_wrapper(privileged(pattern.callback), pattern.callback)
            setattr(pattern.callback, GUARD_ATTRIBUTE, True)
    return urlpatterns


def is_guarded(view):
    return bool(getattr(view, GUARD_ATTRIBUTE, False))


# Enrolment -------------------------------------------------------------------------------------
def pending_device(user):
    """The unconfirmed TOTP device being enrolled (created on first use)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def confirm_device(device):
    """Make ``device`` the user's one authenticator, replacing any earlier one."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])


def secret_text(device):
    """The base32 secret, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode("ascii")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(data):
    """An inline SVG QR code (rendered on the server: no script, no third party)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


# Recovery codes ---------------------------------------------------------------------------------
def recovery_digest(code):
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def normalise_recovery_code(text):
    """The code as stored (lower case, no spaces or hyphens), or None when it cannot be one."""
    code = "".join(str(text or "").split()).replace("-", "").lower()
    if len(code) != RECOVERY_CODE_LENGTH or any(char not in RECOVERY_ALPHABET for char in code):
        return None
    return code


def new_recovery_codes(user):
    """Replace the user's recovery codes with ten new ones; returns them, grouped, to show once."""
    from accounts.models import RecoveryCode, RecoveryCodes

    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))]
    while len(codes) < RECOVERY_CODE_COUNT:
        code = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        if code not in codes:
            codes.append(code)
    with transaction.atomic():
        RecoveryCodes.objects.filter(user=user).delete()
        device = RecoveryCodes.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        RecoveryCode.objects.bulk_create(RecoveryCode(device=device, digest=recovery_digest(c)) for c in codes)
    return ["-".join(code[i : i + 4] for i in range(0, len(code), 4)) for code in codes]


def recovery_codes_left(user):
    from accounts.models import RecoveryCode

    return RecoveryCode.objects.filter(device__user=user, used_at__isnull=True).count()


def remove_two_factor(user):
    """Forget the user's authenticator and recovery codes (``reset_two_factor``); returns how many went."""
    from accounts.models import RecoveryCodes

    with transaction.atomic():
        removed, _details = TOTPDevice.objects.filter(user=user).delete()
        RecoveryCodes.objects.filter(user=user).delete()
    return removed
