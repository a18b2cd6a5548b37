"""The lesson page costs the same number of queries whatever the size of its course."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import LessonPage, ModulePage


def lesson_url(lesson, language="en"):
    return f"/{language}{lesson.url_path.removeprefix('/catalogue')}"


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def grow_course(course, modules=6, lessons_per_module=8):
    template = LessonPage.objects.descendant_of(course).first()
    for m in range(modules):
        module = course.add_child(instance=ModulePage(title=f"Extra module {m}", slug=f"extra-{m}"))
        for i in range(lessons_per_module):
            module.add_child(
                instance=LessonPage(
                    title=f"Extra lesson {m}.{i}", slug=f"extra-{m}-{i}", body=template.body_en.raw_data
                )
            )


def test_lesson_queries_do_not_grow_with_the_course(client, police_course, first_lesson):
    url = lesson_url(first_lesson)
    client.get(url)  # warm per-process caches (content types, site root paths)
    cache.clear()
    small_cold, small = query_count(client, url), query_count(client, url)
    grow_course(police_course)  # saving pages makes the cached outline and site stale
    large_cold, large = query_count(client, url), query_count(client, url)
    assert LessonPage.objects.descendant_of(police_course).count() == 52
    assert large == small
    # The site, its root page, the outline's two queries and the restrictions come from the cache.
    assert small_cold - small >= 5 and large_cold - large >= 5
    assert small <= 3  # the route (one query), the lesson, its course


@pytest.mark.parametrize("language", ["en", "ar", "zh-hans"])
def test_lesson_renders_every_block_type(client, first_lesson, language):
    html = client.get(lesson_url(first_lesson, language)).content.decode()
    for css_class in ("lesson-heading", "callout callout--key_point", "glossary", "case-study", "reflection"):
        assert css_class in html
    assert "<details>" in html
    assert 'rel="next"' in html


def test_previous_and_next_cross_module_boundaries(client, police_course):
    lessons = list(LessonPage.objects.descendant_of(police_course).order_by("path"))
    html = client.get(lesson_url(lessons[2])).content.decode()  # first lesson of module 2
    assert f'href="/en{lessons[1].url_path.removeprefix("/catalogue")}" rel="prev"' in html
    assert f'href="/en{lessons[3].url_path.removeprefix("/catalogue")}" rel="next"' in html


def test_rich_text_is_sanitised_when_rendered(client, first_lesson):
    first_lesson.body_en = [
        {"type": "paragraph", "value": '<p onclick="steal()">Hello<script>alert(1)</script></p>'},
        {
            "type": "callout",
            "value": {"kind": "warning", "title": "T", "text": '<p><a href="javascript:alert(1)">x</a></p>'},
        },
    ]
    first_lesson.save_revision().publish()
    html = client.get(lesson_url(first_lesson)).content.decode()
    assert "Hello" in html
    assert "<script>alert" not in html
    assert "steal()" not in html
    assert "javascript:alert" not in html
