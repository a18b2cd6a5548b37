"""The single gate for user-supplied HTML.

Every piece of HTML that a user (trainer, officer, import file) supplied passes through
``sanitize_html()`` before it is stored or shown. nh3 (the Rust ammonia sanitiser) replaced
bleach, which has been unmaintained since 2026-06-05; keeping one function makes the choice
a one-line change.
"""

import nh3
from django.conf import settings

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i", "li",
    "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "u", "ul",
}  # fmt: skip
# `dir` and `lang` survive everywhere so mixed Arabic/English text keeps its direction.
GENERIC_ATTRIBUTES = {"dir", "lang", "title"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "hreflang"},
    "abbr": set(),
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
ALLOWED_DIR_VALUES = {"ltr", "rtl", "auto"}
# With ``media=True``: images, audio and video, but only from this site (a path starting with "/") or its
# media storage: no tracking pixels, nothing fetched from another host (the platform runs offline).
MEDIA_TAGS = {"img", "audio", "video", "source"}
MEDIA_ATTRIBUTES = {
    "img": {"src", "alt", "width", "height"},
    "audio": {"src", "controls"},
    "video": {"src", "controls", "width", "height"},
    "source": {"src", "type"},
}


def _local(url):
    """A path on this site, or a file of its media storage (which may live on another host, e.g. S3)."""
    media_url = settings.MEDIA_URL or "/media/"
    return (url.startswith("/") and not url.startswith("//")) or (
        media_url.startswith("http") and url.startswith(media_url)
    )


def _filter_attribute(tag, attribute, value):
    if attribute == "dir" and value.lower() not in ALLOWED_DIR_VALUES:
        return None
    if attribute == "src" and not _local(value):
        return None
    return value


def sanitize_html(html, *, media=False):
    """Return ``html`` with scripts, event handlers, styles and unsafe URLs removed.

    ``media``: keep ``<img>``, ``<audio>``, ``<video>`` whose source is on this site.
    """
    if not html:
        return ""
    tags, attributes = ALLOWED_TAGS, ALLOWED_ATTRIBUTES
    if media:
        tags, attributes = tags | MEDIA_TAGS, attributes | MEDIA_ATTRIBUTES
    return nh3.clean(
        str(html),
        tags=tags,
        attributes=attributes | {"*": GENERIC_ATTRIBUTES},
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_filter_attribute,
        strip_comments=True,
    )
