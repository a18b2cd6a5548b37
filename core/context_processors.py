"""Template context: the language table and the active language's direction."""

from django.utils.translation import get_language

from elearning.languages import PLATFORM_LANGUAGES, get_language_info


def language_table(request):
    current = get_language_info(get_language())
    return {
        "platform_languages": PLATFORM_LANGUAGES,
        "current_language": current,
        "text_direction": current.direction,
    }
