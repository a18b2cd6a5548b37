"""System checks of the content origin (``learning.launch``): where packaged activities' scripts run.

``manage.py check --deploy`` refuses a deployment whose packages would run with the platform's
privileges or not at all; docs/deploy.md explains the recommended set-up (a sibling host name).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.http.request import validate_host

from learning.launch import content_origin, files_need_cookie, public_origin

HINT = "Set CUSTODIA_CONTENT_ORIGIN to a sibling host name of the platform, e.g. https://content.example.org."


def _host(origin):
    return (urlsplit(origin).hostname or "").lower()


def _cookie_domain_reaches(domain, host):
    domain = (domain or "").lower().lstrip(".")
    return bool(domain) and (host == domain or host.endswith("." + domain))


@register()
def content_origin_configured(app_configs, **kwargs):
    if content_origin():
        return []
    return [
        Warning(
            "CUSTODIA_CONTENT_ORIGIN is not set: H5P and SCORM activities cannot be shown.",
            hint=HINT,
            id="learning.W001",
        )
    ]


@register(Tags.security, deploy=True)
def content_origin_isolated(app_configs, **kwargs):
    """Errors when packages would run on the platform's origin (or its host), or could not be served at all."""
    origin, platform = content_origin(), public_origin()
    if not origin:
        return [Error("CUSTODIA_CONTENT_ORIGIN is not set: no package can be served.", hint=HINT, id="learning.E001")]
    host = _host(origin)
    errors = []
    if origin == platform:
        errors.append(
            Error(
                "CUSTODIA_CONTENT_ORIGIN is the platform's origin: package scripts would run with its privileges.",
                hint=HINT,
                id="learning.E002",
            )
        )
    elif host == _host(platform):
        errors.append(
            Error(
                "CUSTODIA_CONTENT_ORIGIN has the platform's host name (another port or scheme): cookies are shared by "
                "every port of a host, so package scripts could read or overwrite the platform's cookies.",
                hint=HINT,
                id="learning.E003",
            )
        )
    for name in ("SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_DOMAIN", "LANGUAGE_COOKIE_DOMAIN"):
        if _cookie_domain_reaches(getattr(settings, name, None), host):
            errors.append(
                Error(
                    f"{name} sends the platform's cookie to the content origin ({host}).",
                    hint=f"Leave {name} unset (host-only cookies).",
                    id="learning.E004",
                )
            )
    if not validate_host(host, settings.ALLOWED_HOSTS):
        errors.append(
            Error(
                f"The content origin's host {host} is not in ALLOWED_HOSTS: its requests would be refused.",
                hint="Add it to DJANGO_ALLOWED_HOSTS.",
                id="learning.E005",
            )
        )
    if files_need_cookie() and host.split(".")[-2:] != _host(platform).split(".")[-2:]:
        errors.append(
            Warning(
                "The content origin does not look like the platform's site (its parent domain differs): browsers "
                "block cookies in its frames, so the files' cookie (CUSTODIA_CONTENT_REQUIRE_COOKIE) never arrives.",
                hint="Use a sibling host name of the platform, or set CUSTODIA_CONTENT_REQUIRE_COOKIE=0.",
                id="learning.W002",
            )
        )
    return errors
