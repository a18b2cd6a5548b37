"""Requests no view should have to think about."""

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _


def _has_nul(query_dict):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())


class RejectNulMiddleware:
    """Answer 400 to a NUL character in the path, the query string or a form field.

    No legitimate input contains one, and PostgreSQL refuses to store it in text: left to the views,
    a NUL in a quiz answer or a verification code becomes a database error (a 500). Must come after
    the locale middleware (the message is translated).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return HttpResponseBadRequest(
                _("The request contains a NUL character, which no field accepts."), content_type="text/plain"
            )
        return self.get_response(request)
