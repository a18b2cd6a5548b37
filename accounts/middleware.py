"""Remember each officer's language: an unprefixed URL goes to their preferred language."""

from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import get_language_from_path

from elearning.languages import LANGUAGE_CODES


class PreferredLanguageLocaleMiddleware(LocaleMiddleware):
    """LocaleMiddleware that prefers the signed-in user's saved language over cookies and headers.

    Must come after AuthenticationMiddleware. A language prefix in the URL still wins, so
    every page stays shareable in any language.
    """

    def process_request(self, request):
        super().process_request(request)
        user = getattr(request, "user", None)
        preferred = getattr(user, "preferred_language", None) if user and user.is_authenticated else None
        if preferred in LANGUAGE_CODES and not get_language_from_path(request.path_info):
            translation.activate(preferred)
            request.LANGUAGE_CODE = preferred


class StaffTwoFactorMiddleware:
    """Keep unverified staff out of /admin/ when ``CUSTODIA_REQUIRE_STAFF_2FA`` is on.

    Must come after django_otp's OTPMiddleware and MessageMiddleware. Staff who have an
    authenticator go to the code page; those who have none are sent to enrol one first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from accounts import twofactor

        path = request.path_info
        if (
            twofactor.two_factor_required()
            and path.startswith(twofactor.PROTECTED_PREFIXES)
            and not path.startswith(twofactor.EXEMPT_PATHS)
            and twofactor.needs_verification(request.user)
        ):
            from django.contrib.auth.views import redirect_to_login
            from django.urls import reverse

            if twofactor.has_confirmed_device(request.user):
                target = reverse("accounts:two_factor_verify")
            else:
                target = reverse("accounts:two_factor_setup")
            return redirect_to_login(request.get_full_path(), target)
        return self.get_response(request)
