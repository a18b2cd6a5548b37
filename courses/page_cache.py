"""What every page view needs from the page tree, cached between requests and processes.

Each learner page used to start with the same queries whatever the learner: the site and its root
page, the course outline (two wide queries, some forty page objects: about 5 ms on PostgreSQL) and
the view restrictions. They change only when a page, a site or a restriction is saved, published,
unpublished, moved or deleted, and each of those bumps one shared version, so nothing served from
here is older than the tree. The cache is the site's (Redis in production, shared by every
process). Decisions that count (completion, prerequisites, enrolment) never read it.
"""

import uuid

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

VERSION_KEY = "courses:tree-version"
TIMEOUT = 60 * 60 * 24
WATCHED = (Page, Site, PageViewRestriction)


def _version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def forget_page_tree(sender=None, **kwargs):
    """Any change to pages, sites or restrictions makes everything cached here stale."""
    if sender is None or (isinstance(sender, type) and issubclass(sender, WATCHED)):
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def cached(name, build):
    """``build()``, kept until the page tree changes (the key carries the tree's version)."""
    key = f"courses:{name}:{_version()}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value


def restricted_page_ids():
    """Ids of the pages that carry a view restriction (usually none)."""
    return cached("restricted", lambda: frozenset(PageViewRestriction.objects.values_list("page_id", flat=True)))


def _site_with_root(request):
    site = Site._find_for_request(request)
    if site is not None:
        site.root_page.specific  # noqa: B018 - computed now, so the cached copy carries it
    return site or False


def site_for_request(request):
    """Wagtail's site for the request's host and port, with its root page's specific object."""
    from django.http.request import split_domain_port

    hostname = split_domain_port(request._get_raw_host())[0]
    return cached(f"site:{hostname}:{request.get_port()}", lambda: _site_with_root(request)) or None


class CachedSiteMiddleware:
    """Hand Wagtail's page view the request's site from the cache (Wagtail looks for it on
    ``request._wagtail_site`` before querying). Other views are left alone: most need no site."""

    def __init__(self, get_response):
        from wagtail.views import serve

        self.get_response = get_response
        self.page_view = serve

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is self.page_view and not hasattr(request, "_wagtail_site"):
            request._wagtail_site = site_for_request(request)


def connect():
    for signal in (post_save, post_delete, page_published, page_unpublished, post_page_move):
        signal.connect(forget_page_tree, dispatch_uid=f"courses-page-cache-{id(signal)}")
