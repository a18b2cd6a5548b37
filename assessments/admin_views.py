"""Trainer views in the Wagtail admin: quizzes, attempts, item analysis, regrade, question import/export.

Trainers who may author a quiz page (``courses.permissions.may_author``) see its attempts without
officers' names (attempt number, score, dates) and the aggregate item analysis, and may regrade;
names are shown only to those who may see every attempt (``assessments.policies``: records
administrators with ``assessments.view_attempt``, or superusers).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from assessments import engine, imports
from assessments.analysis import facility_chart, item_analysis
from assessments.formats.common import ImportFailed
from assessments.formats.importer import export_questions
from assessments.models import Attempt, AttemptState, Question, QuizPage
from core.params import choice
from core.visibility import policy_for
from courses.permissions import may_author
from elearning.languages import LANGUAGE_CODES, django_languages


def _quiz_for(request, quiz_id):
    quiz = get_object_or_404(QuizPage, pk=quiz_id)
    if not may_author(request.user, quiz):
        raise PermissionDenied
    return quiz


def quiz_index(request):
    quizzes = [q for q in QuizPage.objects.order_by("path") if may_author(request.user, q)]
    counts = dict(
        Attempt.objects.filter(quiz__in=quizzes, state=AttemptState.FINISHED)
        .values_list("quiz_id")
        .annotate(n=models.Count("pk"))
        .values_list("quiz_id", "n")
    )
    for quiz in quizzes:
        quiz.finished_count = counts.get(quiz.pk, 0)
    return TemplateResponse(request, "assessments/admin/quiz_index.html", {"quizzes": quizzes})


def quiz_report(request, quiz_id):
    quiz = _quiz_for(request, quiz_id)
    attempts = Attempt.objects.filter(quiz=quiz).select_related("user").order_by("-started_at")[:500]
    stats = item_analysis(quiz)
    context = {
        "quiz": quiz,
        "attempts": attempts,
        "show_names": policy_for(Attempt).user_has_permission(request.user, "view"),
        "stats": stats,
        "chart": facility_chart(stats, _("Facility index per question (bars) and discrimination index (marks)"))
        if stats
        else "",
    }
    return TemplateResponse(request, "assessments/admin/quiz_report.html", context)


@require_POST
def quiz_regrade(request, quiz_id):
    quiz = _quiz_for(request, quiz_id)
    latest = request.POST.get("use_latest_versions") == "1"
    changed = 0
    for attempt_id in Attempt.objects.filter(quiz=quiz, state=AttemptState.FINISHED).values_list("pk", flat=True):
        changed += engine.regrade_attempt(attempt_id, use_latest_versions=latest)[1]
    messages.success(
        request,
        ngettext(
            "Regraded the quiz: %(count)s attempt changed.", "Regraded the quiz: %(count)s attempts changed.", changed
        )
        % {"count": changed},
    )
    return redirect("assessments_quiz_report", quiz_id=quiz.pk)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("GIFT or Moodle XML file"))
    category = forms.CharField(
        label=gettext_lazy("Parent category"), required=False, help_text=gettext_lazy("Default: Imported")
    )
    language = forms.ChoiceField(label=gettext_lazy("Language of the file"), choices=django_languages, initial="en")
    skip_unsupported = forms.BooleanField(
        label=gettext_lazy("Skip the questions Custodia cannot import (essays, descriptions…) and list them"),
        required=False,
        help_text=gettext_lazy("Without this, a file with any such question is rejected whole."),
    )


def _can_manage_bank(user):
    return user.has_perm("assessments.add_question")


def import_view(request):
    if not _can_manage_bank(request.user):
        raise PermissionDenied
    errors, skipped = [], []
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > imports.max_size():
            errors = [_("The file is larger than %(size)s MB.") % {"size": imports.max_size() // (1024 * 1024)}]
        else:
            try:
                job = imports.start_import(
                    request.user,
                    upload.name,
                    upload.read(),
                    category=form.cleaned_data["category"],
                    language=form.cleaned_data["language"],
                    skip_unsupported=form.cleaned_data["skip_unsupported"],
                )
            except ImportFailed as failure:
                errors, skipped = failure.lines(), failure.skipped
            else:
                return redirect(reverse("assessments_import_report", args=[job.uuid]))
    context = {
        "form": form,
        "errors": errors,
        "unsupported": len(skipped),
        "recent": imports.imports_visible_to(request.user).select_related("created_by")[:10],
    }
    return TemplateResponse(request, "assessments/admin/import.html", context)


def _import_for(request, import_uuid):
    if not _can_manage_bank(request.user):
        raise PermissionDenied
    return get_object_or_404(imports.imports_visible_to(request.user), uuid=import_uuid)


def import_report(request, import_uuid):
    job = _import_for(request, import_uuid)
    return TemplateResponse(
        request,
        "assessments/admin/import_report.html",
        {"job": job, "status_url": reverse("assessments_import_status", args=[job.uuid])},
    )


def import_status(request, import_uuid):
    """The progress of an import, for the report page's script."""
    job = _import_for(request, import_uuid)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": str(job.get_state_display()),
            "done": job.done,
            "total": job.total,
            "finished": job.is_finished,
        }
    )


def export_view(request):
    if not request.user.has_perm("assessments.view_question") and not _can_manage_bank(request.user):
        raise PermissionDenied
    fmt = "gift" if request.GET.get("format") == "gift" else "moodle_xml"
    questions = Question.objects.select_related("category").order_by("category__slug", "name")
    if request.GET.get("category"):
        questions = questions.filter(category__slug=request.GET["category"])
    text = export_questions(questions, fmt, choice(request.GET.get("language"), LANGUAGE_CODES, default="en"))
    response = HttpResponse(text, content_type="text/plain; charset=utf-8" if fmt == "gift" else "application/xml")
    response["Content-Disposition"] = f'attachment; filename="questions.{"gift" if fmt == "gift" else "xml"}"'
    return response
