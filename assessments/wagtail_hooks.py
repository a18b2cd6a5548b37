"""Admin: the question bank (snippets), trainer reports, import and export."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from assessments import admin_views
from assessments.models import Competency, Question, QuestionCategory


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    list_display = ["name", "qtype", "category", "difficulty", "updated_at"]
    list_filter = ["qtype", "category", "difficulty"]
    search_fields = ["name", "text"]
    ordering = ["category__slug", "name"]

    def get_queryset(self, request):
        # The category column shows the category's path: its parents come in the same query (usual depths).
        return Question.objects.select_related("category__parent__parent")


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Categories")
    list_display = ["path_label", "slug"]

    def get_queryset(self, request):
        return QuestionCategory.objects.select_related("parent__parent")


class CompetencyViewSet(SnippetViewSet):
    model = Competency
    icon = "pick"
    menu_label = _("Competencies")
    list_display = ["code", "name"]


class QuestionBankGroup(SnippetViewSetGroup):
    items = (QuestionViewSet, QuestionCategoryViewSet, CompetencyViewSet)
    menu_icon = "help"
    menu_label = _("Question bank")
    menu_name = "question-bank"
    menu_order = 250


register_snippet(QuestionBankGroup)


@hooks.register("register_admin_urls")
def register_assessment_urls():
    return [
        path("assessments/quizzes/", admin_views.quiz_index, name="assessments_quiz_index"),
        path("assessments/quizzes/<id:quiz_id>/", admin_views.quiz_report, name="assessments_quiz_report"),
        path("assessments/quizzes/<id:quiz_id>/regrade/", admin_views.quiz_regrade, name="assessments_quiz_regrade"),
        path("assessments/import/", admin_views.import_view, name="assessments_import"),
        path("assessments/import/<uuid:import_uuid>/", admin_views.import_report, name="assessments_import_report"),
        path(
            "assessments/import/<uuid:import_uuid>/status/",
            admin_views.import_status,
            name="assessments_import_status",
        ),
        path("assessments/export/", admin_views.export_view, name="assessments_export"),
    ]


@hooks.register("register_reports_menu_item")
def register_quiz_reports_menu_item():
    return MenuItem(_("Quiz results"), reverse("assessments_quiz_index"), icon_name="tasks", order=60)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return MenuItem(_("Import questions"), reverse("assessments_import"), icon_name="upload", order=260)
