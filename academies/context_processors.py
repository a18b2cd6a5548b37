"""Template context for the site header."""

from django.utils.functional import SimpleLazyObject

from organisations.access import academies_for


def academy_records(request):
    """Whether the header links to the academy records (academy administrators and trainers); one
    small query, run only when a page for a signed-in user reads it."""
    user = getattr(request, "user", None)
    return {"shows_academy_records": SimpleLazyObject(lambda: bool(user and academies_for(user).exists()))}
