"""Page routing below the catalogue in a fixed number of queries, whatever the depth.

Wagtail's own walk costs two queries per level (the child by slug, then its specific row): seven
for a lesson. Here one query fetches the whole chain by ``url_path`` (which Wagtail keeps up to date
on every move and slug change) together with every ancestor, and one more the page's specific row.
The result is the page Wagtail would serve (a routable page - a quiz - resolves the rest of the path
itself), with one deliberate difference: a page below an unpublished page of the course (a lesson of
an unpublished module) is not served. Wagtail's walk only asks the last page to be live, but such a
lesson is no longer part of its course (``courses.tree``): the outline hides it and completion does
not require it, so it must not be reachable either.
"""

from django.db.models import Q
from django.http import Http404
from modeltranslation import settings as translation_settings
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname, get_language
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import StreamField
from wagtail.models import Page, PageViewRestriction

from courses.page_cache import restricted_page_ids


def _chain(root, path_components):
    """The root's ancestors, the root and the pages named by each prefix of the path, in one query."""
    prefixes = [root.url_path + "/".join(path_components[:n]) + "/" for n in range(1, len(path_components) + 1)]
    above = [root.path[: root.steplen * n] for n in range(1, root.depth + 1)]
    pages = Page.objects.filter(Q(path__in=above) | Q(url_path__in=prefixes, path__startswith=root.path))
    by_url = {}
    ancestors = []
    for page in pages.order_by("depth"):
        if page.depth <= root.depth:
            ancestors.append(page)
        else:
            by_url[page.url_path] = page
    chain = []
    for prefix in prefixes:
        page = by_url.get(prefix)
        if page is None or page.depth != root.depth + len(chain) + 1:
            break
        chain.append(page)
        if issubclass(page.specific_class or Page, RoutablePageMixin):
            break  # a routable page resolves the rest of the path itself
    return ancestors, chain


def _unread_bodies(model):
    """The StreamField columns of languages this request will not show (a lesson carries six bodies)."""
    try:
        fields = translator.get_options_for_model(model).all_fields
    except NotRegistered:
        return []
    shown = {get_language(), translation_settings.DEFAULT_LANGUAGE}
    return [
        build_localized_fieldname(name, language)
        for name in fields
        if isinstance(model._meta.get_field(name), StreamField)
        for language in translation_settings.AVAILABLE_LANGUAGES
        if language not in shown
    ]


def _specific(page):
    """The page's specific row, leaving other languages' bodies in the database (loaded if ever read)."""
    model = page.specific_class
    if model is None:
        return page.specific
    return model._default_manager.defer(*_unread_bodies(model)).get(pk=page.pk)


def route_below(root, request, path_components):
    """Route ``path_components`` below ``root``; the served page keeps its ancestors in ``routed_ancestors``."""
    ancestors, chain = _chain(root, path_components)
    if not chain or not all(page.live for page in chain[:-1]):
        raise Http404
    page = _specific(chain[-1])
    page.routed_ancestors = ancestors + chain[:-1]
    page._cached_parent_obj = page.routed_ancestors[-1]
    return page.route(request, path_components[len(chain) :])


class RoutedAncestorsMixin:
    """For pages served through ``route_below``: reuse the ancestors it fetched."""

    def get_view_restrictions(self):
        """Wagtail's privacy check (this page and every ancestor) without fetching the ancestors again,
        nor the restrictions when the cached list of restricted pages names none of them."""
        ancestors = getattr(self, "routed_ancestors", None)
        if ancestors is None or self.alias_of_id or any(page.alias_of_id for page in ancestors):
            return super().get_view_restrictions()
        page_ids = {self.pk, *(page.pk for page in ancestors)}
        if page_ids.isdisjoint(restricted_page_ids()):
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(page_id__in=page_ids)
