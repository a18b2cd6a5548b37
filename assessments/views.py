"""Officer-facing quiz views (routes of ``QuizPage``). Every attempt is looked up with its owner:
an officer can reach only their own attempts (``own_attempt``), anything else is a 404.

The attempt form works without JavaScript (Save, Previous/Next, Submit buttons); a small script
(``static/assessments/attempt.js``) posts the same form to the autosave route as answers change
and at least every 30 seconds, with a sequence number the server checks.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from assessments import engine, presentation
from assessments.models import Attempt, Layout
from core.params import MAX_INT32, bounded_int
from core.refusals import Refused
from core.visibility import visible


def own_attempt(user, quiz, attempt_uuid):
    """The officer's own attempt of ``quiz``, or 404 (never someone else's, even for administrators)."""
    attempt = visible(user, Attempt, learner=user).filter(uuid=attempt_uuid, quiz=quiz).first()
    if attempt is None:
        raise Http404("No such attempt")
    attempt.quiz = quiz  # the routed page: no second fetch of its wide row
    return attempt


def _url(quiz, name, **kwargs):
    return quiz.url + quiz.reverse_subpage(name, kwargs=kwargs)


def _login(request):
    return redirect_to_login(request.get_full_path())


def quiz_home(request, quiz):
    context = quiz.get_context(request)
    context["course"] = quiz.course
    if request.user.is_authenticated:
        finished = list(engine.attempts_of(request.user, quiz).filter(state="finished").order_by("number"))
        current = engine.open_attempt(request.user, quiz)
        if current is not None:
            current = engine.finish_if_overdue(current.pk, loaded=current)
            if current.is_finished:
                finished.append(current)
                current = None
        context.update(
            attempts=finished,
            current_attempt=current,
            quiz_grade=engine.overall_grade(request.user, quiz, finished),
            review_options=quiz.review_options(),
        )
        if current is None:
            try:
                engine.check_may_start(request.user, quiz)
                context["may_start"] = True
            except Refused as refusal:
                context["refusal"] = refusal.message
        if quiz.diagnostic and finished:
            context["needs"] = presentation.needs_report(finished[-1])
    context["start_url"] = _url(quiz, "start_route")
    for attempt in context.get("attempts", []):
        attempt.review_url = _url(quiz, "review_route", attempt_id=attempt.uuid)
    if context.get("current_attempt"):
        context["resume_url"] = _url(quiz, "attempt_route", attempt_id=context["current_attempt"].uuid)
    return TemplateResponse(request, "assessments/quiz_page.html", context)


def start(request, quiz):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return _login(request)
    try:
        attempt, _created = engine.start_attempt(request.user, quiz)
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect(quiz.url)
    return redirect(_url(quiz, "attempt_route", attempt_id=attempt.uuid))


def _page_number(request, attempt, items):
    if attempt.quiz.layout != Layout.ONE_PER_PAGE:
        return 1, 1
    pages = max(1, len(items))
    number = bounded_int(request.GET.get("page", request.POST.get("page", 1)), minimum=-MAX_INT32, default=1)
    return min(max(number, 1), pages), pages


def _items_on_page(items, layout, page):
    return [items[page - 1]] if layout == Layout.ONE_PER_PAGE and items else items


def _sequence(value):
    """A save's sequence number or a question position: what the database can hold, else None (refused)."""
    return bounded_int(value, minimum=0)


def _positions(request):
    return {p for p in (_sequence(p) for p in request.POST.getlist("positions")[:1000]) if p is not None}


def attempt_page(request, quiz, attempt_id):
    if not request.user.is_authenticated:
        return _login(request)
    attempt = own_attempt(request.user, quiz, attempt_id)
    attempt = engine.finish_if_overdue(attempt.pk, loaded=attempt)
    review_url = _url(quiz, "review_route", attempt_id=attempt.uuid)
    if attempt.is_finished:
        return redirect(review_url)
    items = list(attempt.items.select_related("version").order_by("position"))
    page, pages = _page_number(request, attempt, items)
    shown = _items_on_page(items, quiz.layout, page)
    here = _url(quiz, "attempt_route", attempt_id=attempt.uuid)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        answers = presentation.answers_from_post(shown, request.POST)
        sequence = _sequence(request.POST.get("sequence"))
        if action == "submit":
            engine.submit_attempt(attempt.pk, request.user, sequence=sequence, answers=answers, items=shown)
            return redirect(review_url)
        outcome = engine.save_answers(attempt.pk, request.user, sequence, answers, items=shown)
        if outcome.reason == "stale":
            messages.warning(
                request,
                _(
                    "These answers were not saved: answers saved later (perhaps in another window) "
                    "are kept. Check them below."
                ),
            )
            return redirect(f"{here}?page={page}")
        if outcome.reason in ("finished", "time_up"):
            return redirect(review_url)
        if action == "next":
            page += 1
        elif action == "previous":
            page -= 1
        elif action.startswith("goto-"):
            page = bounded_int(action[5:], minimum=1, default=page)
        else:
            messages.success(request, _("Your answers are saved."))
        return redirect(f"{here}?page={min(max(page, 1), pages)}")
    language = get_language()
    context = quiz.get_context(request)
    context.update(
        attempt=attempt,
        course=quiz.course,
        questions=[presentation.present(item, language) for item in shown],
        page_number=page,
        pages=range(1, pages + 1),
        page_count=pages,
        answered_positions={item.position for item in items if item.response is not None},
        form_url=f"{here}?page={page}",
        save_url=_url(quiz, "save_route", attempt_id=attempt.uuid),
        seconds_left=attempt.seconds_left(),
        now=timezone.now(),
    )
    return TemplateResponse(request, "assessments/attempt.html", context)


def autosave(request, quiz, attempt_id):
    """JSON autosave of the attempt form. 409 for stale or replayed saves, finished or timed-out attempts."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return JsonResponse({"error": "login"}, status=403)
    attempt = own_attempt(request.user, quiz, attempt_id)
    shown = list(attempt.items.filter(position__in=_positions(request)).select_related("version").order_by("position"))
    answers = presentation.answers_from_post(shown, request.POST)
    sequence = _sequence(request.POST.get("sequence"))
    outcome = engine.save_answers(attempt.pk, request.user, sequence, answers, items=shown)
    body = {
        "saved": outcome.saved,
        "sequence": outcome.attempt.sequence,
        "seconds_left": outcome.attempt.seconds_left(),
        "finished": outcome.attempt.is_finished,
    }
    if outcome.saved:
        body["problems"] = presentation.problems(shown)
    if not outcome.saved:
        body["reason"] = outcome.reason
        body["review_url"] = _url(quiz, "review_route", attempt_id=attempt.uuid)
        return JsonResponse(body, status=409)
    return JsonResponse(body)


def submit(request, quiz, attempt_id):
    """Final submission (JSON clients); the form posts ``action=submit`` to the attempt page instead."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return JsonResponse({"error": "login"}, status=403)
    attempt = own_attempt(request.user, quiz, attempt_id)
    shown = list(attempt.items.filter(position__in=_positions(request)).select_related("version"))
    answers = presentation.answers_from_post(shown, request.POST)
    attempt, graded_now = engine.submit_attempt(
        attempt.pk, request.user, sequence=_sequence(request.POST.get("sequence")), answers=answers, items=shown
    )
    return JsonResponse(
        {
            "finished": True,
            "graded_now": graded_now,
            "review_url": _url(quiz, "review_route", attempt_id=attempt.uuid),
        }
    )


def review(request, quiz, attempt_id):
    if not request.user.is_authenticated:
        return _login(request)
    attempt = own_attempt(request.user, quiz, attempt_id)
    attempt = engine.finish_if_overdue(attempt.pk, loaded=attempt)
    if not attempt.is_finished:
        raise Http404("Attempt in progress")
    options = quiz.review_options()
    language = get_language()
    items = list(attempt.items.select_related("version").order_by("position"))
    context = quiz.get_context(request)
    context.update(
        attempt=attempt,
        course=quiz.course,
        options=options,
        questions=[presentation.present(item, language, review=options) for item in items],
        quiz_grade=engine.overall_grade(request.user, quiz),
    )
    if quiz.diagnostic:
        context["needs"] = presentation.needs_report(attempt)
    return TemplateResponse(request, "assessments/review.html", context)
