"""Template context: the language table and the active language's direction."""

from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from elearning.languages import PLATFORM_LANGUAGES, get_language_info


def language_table(request):
    current = get_language_info(get_language())
    return {
        "platform_languages": PLATFORM_LANGUAGES,
        "current_language": current,
        "text_direction": current.direction,
    }


def academy_records(request):
    """Whether the header links to the academy records (academy administrators and trainers); one
    small query, run only when a page for a signed-in user reads it."""
    from academies.scoping import academies_for

    user = getattr(request, "user", None)
    return {"shows_academy_records": SimpleLazyObject(lambda: bool(user and academies_for(user).exists()))}
