"""Moodle's text formats, read the way Moodle renders them.

A text read from a file is either plain text (``str``) or HTML (``Html``, a marked ``str``):

* ``html`` is HTML; ``markdown`` is rendered to HTML (markdown-it-py, CommonMark);
* ``moodle`` (Moodle auto-format, GIFT's default) keeps line breaks and any HTML it holds: it is HTML
  when it holds markup, else plain text;
* ``plain`` is always plain text (markup shows as typed).

A question is stored in one format: when any of its texts is HTML, all of them become HTML (plain
ones escaped, line breaks kept) and the question's ``text_format`` is "html". Every HTML text passes
through ``core.html.sanitize_html()`` when it is saved and again when it is shown.
"""

import html
import re

from markdown_it import MarkdownIt

from core.html import sanitize_html

HTML, PLAIN, MOODLE, MARKDOWN = "html", "plain", "moodle", "markdown"
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|<!--|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
_markdown = MarkdownIt("commonmark")


class Html(str):
    """A text that is HTML (still to be sanitised)."""

    __slots__ = ()


def looks_like_html(text):
    return bool(_MARKUP.search(text or ""))


def read(text, fmt):
    """``text`` in Moodle format ``fmt`` as plain text or ``Html``."""
    text = text or ""
    if fmt == HTML:
        return Html(text) if looks_like_html(text) else text
    if fmt == MARKDOWN:
        return Html(_markdown.render(text).strip()) if text.strip() else ""
    if fmt == MOODLE:
        return Html(text.replace("\n", "<br>\n")) if looks_like_html(text) else text
    return text


def plain_to_html(text):
    """Plain text as HTML that shows the same: escaped, line breaks kept."""
    return html.escape(text or "", quote=False).replace("\n", "<br>\n")


def is_html(value):
    return isinstance(value, Html)


_BREAKS = re.compile(r"<\s*(br|/p|/div|/li|/h\d|/tr)\s*/?\s*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")


def html_to_text(value):
    """HTML as plain text: tags dropped (line breaks kept), entities decoded."""
    value = _BREAKS.sub("\n", value or "")
    value = html.unescape(_TAGS.sub("", value))
    lines = [line.strip() for line in value.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def as_plain(value):
    """A text read from a file, wherever only plain text fits (names, matching answers, select options)."""
    return html_to_text(value) if is_html(value) else (value or "")


def unify(values):
    """The question's format and its texts in it: ``("html", [HTML...])`` when any is HTML, else plain."""
    if any(is_html(value) for value in values):
        return HTML, [value if is_html(value) else Html(plain_to_html(value)) for value in values]
    return PLAIN, [str(value or "") for value in values]


def stored(value, fmt):
    """A text as saved in the bank: sanitised when the question is HTML."""
    return sanitize_html(value, media=True) if fmt == HTML else (value or "")
