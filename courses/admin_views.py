"""Admin report: per course and language, which pages and fields still need translating."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from courses.models import CoursePage
from courses.permissions import may_author
from courses.translation_status import course_pages, missing_fields
from elearning.languages import PLATFORM_LANGUAGES


def editable_courses(user):
    """Courses the user may edit: the report shows nothing a trainer could not open anyway."""
    return [course for course in CoursePage.objects.order_by("path") if may_author(user, course)]


def field_labels(page, names):
    """Human, translated labels for model field names."""
    return [str(page._meta.get_field(name).verbose_name) for name in names]


class TranslationStatusIndexView(TemplateView):
    template_name = "courses/admin/translation_status_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = []
        for course in editable_courses(self.request.user):
            pages = course_pages(course, live_only=False)
            cells = []
            for language in PLATFORM_LANGUAGES:
                incomplete = sum(1 for page in pages if missing_fields(page, language.code))
                cells.append({"language": language, "complete": len(pages) - incomplete, "total": len(pages)})
            rows.append({"course": course, "cells": cells})
        context.update(
            page_title=_("Translation status"), header_icon="globe", rows=rows, languages=PLATFORM_LANGUAGES
        )
        return context


class TranslationStatusCourseView(TemplateView):
    template_name = "courses/admin/translation_status_course.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        course = get_object_or_404(CoursePage, pk=self.kwargs["course_id"])
        if not may_author(self.request.user, course):
            raise PermissionDenied
        pages = course_pages(course, live_only=False)
        rows = [
            {
                "page": page,
                "indent": page.depth - course.depth,
                "cells": [
                    {"language": lang, "missing": field_labels(page, missing_fields(page, lang.code))}
                    for lang in PLATFORM_LANGUAGES
                ],
            }
            for page in pages
        ]
        context.update(
            page_title=_("Translation status"),
            page_subtitle=course.title,
            header_icon="globe",
            course=course,
            rows=rows,
            languages=PLATFORM_LANGUAGES,
        )
        return context
