"""Admin integration: the translation-status report and right-to-left Arabic inputs."""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from courses.admin_views import TranslationStatusCourseView, TranslationStatusIndexView


@hooks.register("register_admin_urls")
def register_translation_status_urls():
    return [
        path("translation-status/", TranslationStatusIndexView.as_view(), name="translation_status"),
        path(
            "translation-status/<id:course_id>/",
            TranslationStatusCourseView.as_view(),
            name="translation_status_course",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_translation_status_menu_item():
    return MenuItem(_("Translation status"), reverse("translation_status"), icon_name="globe", order=50)


@hooks.register("insert_global_admin_js")
def right_to_left_inputs():
    """Arabic fields (``*_ar``) are edited right-to-left, rich text and stream blocks included."""
    return format_html('<script src="{}" defer></script>', static("courses/admin-rtl.js"))
