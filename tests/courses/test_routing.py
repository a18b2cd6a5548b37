"""Routing below the catalogue (courses.routing) serves exactly what Wagtail's own walk would."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from courses.models import CourseIndexPage, LessonPage, ModulePage

pytestmark = pytest.mark.django_db


def components(page, root):
    return [part for part in page.url_path.removeprefix(root.url_path).split("/") if part]


def wagtail_walk(root, path):
    """Wagtail's route, level by level (Page.route, not ours)."""
    try:
        return Page.route(root, RequestFactory().get("/"), path)
    except Http404:
        return None


def fast(root, path):
    try:
        return root.route(RequestFactory().get("/"), path)
    except Http404:
        return None


def test_every_page_routes_to_the_same_page_as_wagtail(courses):
    root = CourseIndexPage.objects.get()
    pages = Page.objects.descendant_of(root).specific()
    assert len(pages) >= 14  # courses, modules and lessons
    for page in pages:
        path = components(page, root)
        ours, theirs = fast(root, path), wagtail_walk(root, path)
        assert ours is not None and theirs is not None
        assert (ours.page.pk, type(ours.page), ours.args) == (theirs.page.pk, type(theirs.page), theirs.args)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda path: [*path, "no-such-child"],
        lambda path: [path[0], "no-such-module", *path[2:]],
        lambda path: [*path[:-1], "no-such-lesson"],
        lambda path: path[1:],  # a module slug where a course slug belongs
    ],
)
def test_unknown_paths_are_404_like_wagtail(courses, first_lesson, mangle):
    root = CourseIndexPage.objects.get()
    path = mangle(components(first_lesson, root))
    assert fast(root, path) is None
    assert wagtail_walk(root, path) is None


def test_unpublished_lesson_is_404_and_the_served_page_keeps_its_ancestors(courses, first_lesson):
    root = CourseIndexPage.objects.get()
    path = components(first_lesson, root)
    with CaptureQueriesContext(connection) as queries:
        result = fast(root, path)
    assert len(queries) == 2  # the chain with every ancestor, then the lesson's own row
    assert [page.depth for page in result.page.routed_ancestors] == list(range(1, first_lesson.depth))
    assert result.page.routed_ancestors[-1].pk == first_lesson.get_parent().pk
    first_lesson.unpublish()
    assert fast(root, path) is None
    assert wagtail_walk(root, path) is None


def test_a_renamed_module_moves_its_lessons(client, courses, first_lesson):
    module = ModulePage.objects.get(pk=first_lesson.get_parent().pk)
    old_url = first_lesson.url
    module.slug = "renamed-module"
    module.save_revision().publish()
    lesson = LessonPage.objects.get(pk=first_lesson.pk)
    assert "/renamed-module/" in lesson.url
    assert client.get(lesson.url).status_code == 200
    assert client.get(old_url).status_code == 404


def test_view_restrictions_on_an_ancestor_still_apply(client, courses, police_course, first_lesson, officer):
    url = first_lesson.url
    assert client.get(url).status_code == 200  # fills the cache: no page is restricted
    restriction = PageViewRestriction.objects.create(page=police_course, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="Restricted readers"))
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(officer)
    assert client.get(url).status_code == 302  # signed in, but not in the group
    officer.groups.add(restriction.groups.get())
    assert client.get(url).status_code == 200
    restriction.delete()
    client.logout()
    assert client.get(url).status_code == 200


def test_cached_outline_follows_the_page_tree(client, courses, police_course, first_lesson):
    url = first_lesson.url
    assert "Brand-new lesson" not in client.get(url).content.decode()
    module = ModulePage.objects.get(pk=first_lesson.get_parent().pk)
    module.add_child(instance=LessonPage(title="Brand-new lesson", slug="brand-new"))
    assert "Brand-new lesson" in client.get(url).content.decode()
    LessonPage.objects.get(slug="brand-new").unpublish()
    assert "Brand-new lesson" not in client.get(url).content.decode()


def test_the_cached_site_follows_site_changes(client, courses, first_lesson):
    url = first_lesson.url
    assert client.get(url).status_code == 200
    site = Site.objects.get(is_default_site=True)
    catalogue = site.root_page
    site.root_page = Page.objects.get(depth=1)
    site.save()
    assert client.get(url).status_code == 404  # the lesson is no longer below the site's root
    site.root_page = catalogue
    site.save()
    assert client.get(url).status_code == 200
    assert cache.get("courses:tree-version")


def test_a_lesson_of_an_unpublished_module_is_not_served(client, courses, first_lesson):
    """Unlike Wagtail's walk (which only asks the last page to be live): the lesson left the course."""
    root = CourseIndexPage.objects.get()
    path = components(first_lesson, root)
    module = first_lesson.get_parent()
    assert client.get(first_lesson.url).status_code == 200
    Page.objects.filter(pk=module.pk).update(live=False)  # unpublished alone, its lessons still live
    assert wagtail_walk(root, path) is not None
    assert fast(root, path) is None
    cache.clear()  # an update() bypasses the signals that version the page-tree cache
    assert client.get(first_lesson.url).status_code == 404
