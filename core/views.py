"""Site-wide views: language switching and the health check."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from elearning.languages import LANGUAGE_CODES


@require_POST
def set_language(request):
    """Switch language (Django's view) and remember the choice on the officer's profile."""
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if language in LANGUAGE_CODES and user.is_authenticated and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return response


@never_cache
def health(request):
    """Liveness and database check for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
