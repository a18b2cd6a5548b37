"""Learner views: enrol, withdraw, renew, mark a lesson complete, the dashboard and "my data"."""

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from accounts.views import safe_next
from core.http import wants_json
from core.refusals import Refused
from core.visibility import visible
from courses.models import CoursePage, LessonPage
from learning.dashboard import dashboard_context
from learning.enrolment import enrol, start_new_cycle, withdraw
from learning.models import Enrolment
from learning.privacy import export_learner_data
from learning.progress import complete_lesson


def refuse(request, message, status):
    """A clear, translated refusal; nothing was changed."""
    if wants_json(request):
        return JsonResponse({"ok": False, "message": str(message)}, status=status)
    response = render(request, "learning/refused.html", {"message": message, "status": status}, status=status)
    if status == 405:
        response["Allow"] = "POST"
    return response


def learner_post(view):
    """POST only (405 otherwise), signed in (else to the login page), ``Refused`` turned into a refusal."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return refuse(request, _("This address only accepts the form's button (a POST request)."), 405)
        if not request.user.is_authenticated:
            if wants_json(request):
                return refuse(request, _("Your session has ended: log in again."), 401)
            return redirect_to_login(request.POST.get("next") or request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except Refused as refusal:
            return refuse(request, refusal.message, refusal.status)

    return never_cache(wrapper)


def _course_or_refuse(course_id):
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None or not course.live:
        raise Refused(_("This course does not exist or is not published."), status=404)
    return course


def _back(request, fallback):
    return redirect(safe_next(request, fallback, from_query=False))


@learner_post
def enrol_view(request, course_id):
    course = _course_or_refuse(course_id)
    _enrolment, changed = enrol(request.user, course)
    if changed:
        messages.success(request, _("You are enrolled. Start with the first lesson when you are ready."))
    else:
        messages.info(request, _("You were already enrolled on this course."))
    return _back(request, course.url)


@learner_post
def withdraw_view(request, course_id):
    course = _course_or_refuse(course_id)
    _enrolment, changed = withdraw(request.user, course)
    if changed:
        messages.success(request, _("You have left the course. Your progress is kept if you enrol again."))
    return _back(request, course.url)


@learner_post
def renew_view(request, course_id):
    course = _course_or_refuse(course_id)
    start_new_cycle(request.user, course)
    messages.success(request, _("Your renewal has started. Work through the course again to renew your completion."))
    return _back(request, course.url)


@learner_post
def complete_lesson_view(request, lesson_id):
    lesson = LessonPage.objects.filter(pk=lesson_id).first()
    if lesson is None:
        raise Refused(_("This lesson does not exist."), status=404)
    _enrolment, changed, completion, state = complete_lesson(
        request.user, lesson, language=get_language(), with_state=True
    )
    course_completed = bool(completion and completion.created_now)
    if course_completed:
        message = _("Congratulations: you have completed this course.")
    elif changed:
        message = _("Lesson marked as complete.")
    else:
        message = _("You had already completed this lesson.")
    if wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "message": str(message),
                "changed": changed,
                "course_completed": bool(completion),
                "done": state.done_count,
                "total": state.total_count,
                "percent": state.percent,
                "progress_text": _("%(done)s of %(total)s lessons completed (%(percent)s%%)")
                % {"done": state.done_count, "total": state.total_count, "percent": state.percent},
            }
        )
    messages.success(request, message)
    return _back(request, lesson.url)


@never_cache
def dashboard_view(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "learning/dashboard.html", dashboard_context(request))


@never_cache
def privacy_view(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    enrolments = visible(request.user, Enrolment, learner=request.user).select_related("course")
    return render(request, "learning/privacy.html", {"enrolments": enrolments})


@never_cache
def export_view(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    data = export_learner_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    filename = f"custodia-my-data-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
