"""System checks: H5P content must come from an origin other than the platform's."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register


@register()
def content_origin_check(app_configs, **kwargs):
    origin = getattr(settings, "H5P_CONTENT_ORIGIN", "")
    platform = getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    if not origin:
        return [
            Warning(
                "H5P_CONTENT_ORIGIN is not set: H5P content is served from the platform's own origin.",
                hint="Set H5P_CONTENT_ORIGIN to a separate origin (another host name) that reaches this site.",
                id="h5p.W001",
            )
        ]
    if platform and urlsplit(origin)[:2] == urlsplit(platform)[:2]:
        return [
            Warning(
                "H5P_CONTENT_ORIGIN is the platform's origin: H5P scripts would run with the platform's privileges.",
                id="h5p.W002",
            )
        ]
    return []
