"""The single gate for user-supplied HTML.

Every piece of HTML that a user (trainer, officer, import file) supplied passes through
``sanitize_html()`` before it is stored or shown. nh3 (the Rust ammonia sanitiser) replaced
bleach, which has been unmaintained since 2026-06-05; keeping one function makes the choice
a one-line change.
"""

import nh3

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


def _filter_attribute(tag, attribute, value):
    if attribute == "dir" and value.lower() not in ALLOWED_DIR_VALUES:
        return None
    return value


def sanitize_html(html):
    """Return ``html`` with scripts, event handlers, styles and unsafe URLs removed."""
    if not html:
        return ""
    return nh3.clean(
        str(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES | {"*": GENERIC_ATTRIBUTES},
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_filter_attribute,
        strip_comments=True,
    )
