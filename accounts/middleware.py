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
