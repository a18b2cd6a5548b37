"""The platform's absolute URLs, from settings (``CUSTODIA_PUBLIC_URL``, else ``WAGTAILADMIN_BASE_URL``),
never from a request's Host header. Low in the layers so that e-mails of every app (accounts,
organisations...) build their links here; ``learning.launch.public_url`` gives the same answer."""

from urllib.parse import urlsplit

from django.conf import settings


def public_origin():
    parts = urlsplit(getattr(settings, "CUSTODIA_PUBLIC_URL", "") or settings.WAGTAILADMIN_BASE_URL or "")
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def public_url(path=""):
    return public_origin() + path
