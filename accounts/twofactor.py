"""Staff two-factor authentication with TOTP (django-otp).

With ``CUSTODIA_REQUIRE_STAFF_2FA`` on, anyone who can open the authoring admin (staff,
superusers, or holders of ``wagtailadmin.access_admin``) confirms a code from an
authenticator app after the password before ``StaffTwoFactorMiddleware`` lets them into
``/admin/``. Officers are never asked.
"""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"
PROTECTED_PREFIXES = ("/admin/",)
EXEMPT_PATHS = ("/admin/login/", "/admin/logout/")


def two_factor_required():
    return bool(getattr(settings, "CUSTODIA_REQUIRE_STAFF_2FA", False))


def can_use_two_factor(user):
    """Users who can reach the authoring admin: the ones 2FA protects."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"))
    )


def needs_verification(user):
    """True when the setting is on and this signed-in user must still enter a code."""
    is_verified = getattr(user, "is_verified", None)  # installed by django_otp's OTPMiddleware
    return two_factor_required() and can_use_two_factor(user) and not (is_verified and is_verified())


def has_confirmed_device(user):
    return user_has_device(user, confirmed=True)


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
