"""Walk every URL pattern of the project's URLconf (django.urls resolver, all of them, nested includes too)."""

import functools
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

PROJECT_APPS = ("accounts", "organisations", "courses", "learning", "assessments", "h5p", "scorm")
PROJECT_APPS += ("certificates", "academies", "core", "elearning", "devtools")


@dataclass
class Route:
    route: str  # the patterns joined, e.g. "<lang>/academies/<slug:slug>/officers/"
    pattern: URLPattern
    converters: dict  # name -> converter of every parameter on the way
    name: str | None  # the namespaced URL name, when there is one

    @property
    def callback(self):
        return self.pattern.callback

    @property
    def module(self):
        return getattr(self.callback, "__module__", "") or ""

    @property
    def view(self):
        view = getattr(self.callback, "view_class", None) or self.callback
        while isinstance(view, functools.partial):  # django-ninja's operations
            view = view.func
        return view

    @property
    def dotted(self):
        view = self.view
        name = getattr(view, "__qualname__", None) or type(view).__qualname__
        return f"{getattr(view, '__module__', None) or type(view).__module__}.{name}"

    @property
    def is_project_view(self):
        return self.dotted.split(".")[0] in PROJECT_APPS


def routes(resolver=None, prefix="", converters=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        converters_here = {**(converters or {}), **getattr(entry.pattern, "converters", {})}
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from routes(entry, text, converters_here, space)
        elif isinstance(entry, URLPattern):
            yield Route(text, entry, converters_here, f"{namespace}{entry.name}" if entry.name else None)
