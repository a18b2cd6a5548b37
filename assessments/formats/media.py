"""Files embedded in Moodle XML questions (``@@PLUGINFILE@@/name``): imported as Wagtail images (PNG, JPEG,
GIF, WebP) and documents (audio, video, anything else), and embedded again when questions are exported.

An imported file that is already in the library (same SHA-1, Wagtail's ``file_hash``) is reused. Files
written to storage by an import that then fails are deleted again (``Importer.discard``).
"""

import base64
import hashlib
import posixpath
import re
from pathlib import PurePosixPath
from urllib.parse import quote, unquote
from xml.etree.ElementTree import SubElement  # noqa: S405 - building output only

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

IMAGE_MIME_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
_REFERENCE = re.compile(r"@@PLUGINFILE@@/([^\"'\s<>)]+)")


def _safe_name(name):
    """The last part of a path, without anything a file system would read as a directory."""
    base = PurePosixPath(name.replace("\\", "/")).name.strip() or "file"
    return re.sub(r"[^\w.\-]+", "_", base)[:100] or "file"


class Importer:
    """Stores a question's embedded files and rewrites its texts to point at them."""

    def __init__(self, collection=None):
        self.collection = collection
        self.created = []  # images and documents made by this import

    def urls_for(self, files):
        """``{name as referenced: URL on this site}`` for ``{name: bytes}``."""
        return {name: self._store(name, content) for name, content in files.items()}

    def _store(self, name, content):
        sha1 = hashlib.sha1(content).hexdigest()  # noqa: S324 - Wagtail's own file_hash, not security
        kind = filetype.guess(content)
        title = PurePosixPath(name).name[:255] or "file"
        is_image = kind is not None and kind.mime in IMAGE_MIME_TYPES
        model = get_image_model() if is_image else get_document_model()
        existing = model.objects.filter(file_hash=sha1).first()
        if existing is not None:
            return self._url(existing)
        extension = f".{kind.extension}" if kind else posixpath.splitext(_safe_name(name))[1]
        stem = posixpath.splitext(_safe_name(name))[0]
        item = model(title=title, file=ContentFile(content, name=f"{stem}{extension}"), file_hash=sha1)
        if self.collection is not None:
            item.collection = self.collection
        if hasattr(item, "file_size"):
            item.file_size = len(content)
        item.save()
        self.created.append(item)
        return self._url(item)

    @staticmethod
    def _url(item):
        if hasattr(item, "get_rendition"):
            return item.file.url
        return item.url

    @staticmethod
    def rewrite(value, urls):
        """``@@PLUGINFILE@@/name`` in an HTML text replaced by the stored file's URL."""
        if not value or "@@PLUGINFILE@@" not in value:
            return value

        def replace(match):
            return urls.get(unquote(match.group(1)), match.group(0))

        return _REFERENCE.sub(replace, value)

    def discard(self):
        """Delete the stored files of an import that failed (their rows go with the transaction or are
        deleted here when they were committed)."""
        for item in self.created:
            storage, name = item.file.storage, item.file.name
            if item.pk and type(item).objects.filter(pk=item.pk).exists():
                item.delete()
            if name and storage.exists(name):
                storage.delete(name)
        self.created = []


class Exporter:
    """Finds the site's images and documents in an HTML text and embeds them as ``<file>`` elements."""

    _LINK = re.compile(r"""(?P<attr>src|href)=(?P<quote>["'])(?P<url>[^"']+)(?P=quote)""")

    def __init__(self):
        self.names = {}  # URL -> name used in @@PLUGINFILE@@

    def embed(self, html):
        """``(html with @@PLUGINFILE@@ references, [(name, bytes)] of the files it shows)``."""
        files = []

        def replace(match):
            url = match.group("url")
            found = self._file(url)
            if found is None:
                return match.group(0)
            name, content = found
            if url not in self.names:
                self.names[url] = self._unique(name)
                files.append((self.names[url], content))
            reference = "@@PLUGINFILE@@/" + quote(self.names[url])
            return f"{match.group('attr')}={match.group('quote')}{reference}{match.group('quote')}"

        return self._LINK.sub(replace, html), files

    def _unique(self, name):
        taken = set(self.names.values())
        stem, extension = posixpath.splitext(name)
        candidate, counter = name, 2
        while candidate in taken:
            candidate, counter = f"{stem}-{counter}{extension}", counter + 1
        return candidate

    @staticmethod
    def _file(url):
        media_url = settings.MEDIA_URL
        if url.startswith(media_url):
            image = get_image_model().objects.filter(file=unquote(url[len(media_url) :])).first()
            if image is not None:
                with image.file.open("rb") as handle:
                    return posixpath.basename(image.file.name), handle.read()
        match = re.match(r"^/documents/(\d+)/", url)
        if match:
            document = get_document_model().objects.filter(pk=int(match.group(1))).first()
            if document is not None:
                with document.file.open("rb") as handle:
                    return posixpath.basename(document.file.name), handle.read()
        return None

    @staticmethod
    def write(holder, name, content):
        element = SubElement(holder, "file", {"name": name, "path": "/", "encoding": "base64"})
        element.text = base64.b64encode(content).decode("ascii")
