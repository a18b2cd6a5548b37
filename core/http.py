"""Small request helpers shared by every app's views."""

from django.http import HttpRequest


def wants_json(request: HttpRequest) -> bool:
    """Did the client ask for JSON (``?format=json``, or an Accept header naming JSON but not HTML)?

    Browsers' navigations accept ``text/html`` (and often ``*/*``), so they get HTML; scripts that
    ask for ``application/json`` get JSON.
    """
    accept = request.headers.get("Accept", "")
    return request.GET.get("format") == "json" or ("application/json" in accept and "text/html" not in accept)
