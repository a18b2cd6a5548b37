"""The attempt engine: start, save (with sequence numbers), submit (idempotent), finish when time runs out.

Every write locks the attempt row (``select_for_update``) inside a transaction, so two tabs, two
devices or a retried request can never grade an attempt twice or apply an older save over a newer
one. Time is read from ``timezone.now()`` (tests freeze it by passing ``now=``).
"""

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from assessments import qtypes, reporting
from assessments.grading import clean_response, grade
from assessments.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    FinishReason,
    GradingMethod,
    Question,
    QuestionCategory,
    current_versions,
)
from core.params import MAX_INT32
from core.refusals import Refused


def grace():
    """How long after the deadline a last save or submission is still accepted (network latency)."""
    return timezone.timedelta(seconds=getattr(settings, "ASSESSMENTS_GRACE_SECONDS", 20))


# Who may start -------------------------------------------------------------------------------
def attempts_of(user, quiz):
    return Attempt.objects.filter(user=user, quiz=quiz)


def check_may_start(user, quiz, now=None):
    """Raise ``Refused`` when ``user`` may not start a new attempt of ``quiz`` now."""
    now = now or timezone.now()
    if not user.is_authenticated:
        raise Refused(_("Log in to take this quiz."), 403, "login")
    if not quiz.live:
        raise Refused(_("This quiz is not published."), 404, "not_live")
    if not quiz.diagnostic and not reporting.is_enrolled(user, quiz):
        raise Refused(_("Enrol in the course to take this quiz."), 403, "not_enrolled")
    if quiz.opens_at and now < quiz.opens_at:
        raise Refused(_("This quiz is not open yet."), 403, "not_open")
    if quiz.is_closed(now):
        raise Refused(_("This quiz has closed."), 403, "closed")
    finished = attempts_of(user, quiz).filter(state=AttemptState.FINISHED)
    summary = finished.aggregate(count=Count("pk"), last=Max("finished_at"))
    if quiz.max_attempts and summary["count"] >= quiz.max_attempts:
        raise Refused(_("You have used all the attempts allowed."), 403, "no_attempts_left")
    if quiz.delay_minutes and summary["last"]:
        ready = summary["last"] + timezone.timedelta(minutes=quiz.delay_minutes)
        if now < ready:
            raise Refused(_("You can start another attempt after %(time)s.") % {"time": ready}, 403, "too_soon")


# Drawing questions ---------------------------------------------------------------------------
def category_ids(category_id, include_children=True):
    """The category and (with ``include_children``) every category below it; safe against cycles."""
    ids, frontier = {category_id}, [category_id]
    while include_children and frontier:
        frontier = list(QuestionCategory.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = [pk for pk in frontier if pk not in ids]
        ids.update(frontier)
    return ids


def draw_questions(quiz, user, rng=None):
    """``[(slot_number, question, mark)]`` for a new attempt.

    Random draws prefer questions the officer has not seen in earlier attempts of this quiz; when the
    pool runs short, the least-seen ones are reused. A question is never asked twice in one attempt.
    """
    rng = rng or random.SystemRandom()
    slots = list(quiz.slots.select_related("question").order_by("sort_order", "pk"))
    seen_counts = dict(
        AttemptItem.objects.filter(attempt__quiz=quiz, attempt__user=user)
        .values_list("question_id")
        .annotate(n=Count("pk"))
        .values_list("question_id", "n")
    )
    used = {slot.question_id for slot in slots if slot.question_id}
    picks = []
    for number, slot in enumerate(slots, start=1):
        if slot.question_id:
            picks.append((number, slot.question, slot.mark or slot.question.default_mark))
            continue
        if not slot.category_id:
            continue
        pool = list(
            Question.objects.filter(category_id__in=category_ids(slot.category_id, slot.include_subcategories))
            .exclude(pk__in=used)
            .order_by("pk")
        )
        rng.shuffle(pool)
        pool.sort(key=lambda question: seen_counts.get(question.pk, 0))  # stable: unseen first, shuffled
        for question in pool[: slot.draw_count]:
            used.add(question.pk)
            picks.append((number, question, slot.mark or question.default_mark))
    return picks


def option_order(data, shuffle, rng):
    """The order the options are shown in (each type decides; e.g. ordering items are always shuffled)."""
    return qtypes.of(data).option_order(data, shuffle, rng)


# Start -----------------------------------------------------------------------------------------
def open_attempt(user, quiz):
    return attempts_of(user, quiz).filter(state=AttemptState.IN_PROGRESS).first()


def start_attempt(user, quiz, *, now=None, rng=None):
    """Resume the officer's attempt in progress, or start a new one. Returns ``(attempt, created)``."""
    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    current = open_attempt(user, quiz)
    if current is not None:
        current = finish_if_overdue(current.pk, now=now, loaded=current)
        if not current.is_finished:
            return current, False
    check_may_start(user, quiz, now)
    picks = draw_questions(quiz, user, rng)
    if not picks:
        raise Refused(_("This quiz has no questions yet."), 409, "empty")
    try:
        with transaction.atomic():
            number = (attempts_of(user, quiz).aggregate(n=Max("number"))["n"] or 0) + 1
            deadline = None
            if quiz.time_limit_minutes:
                deadline = now + timezone.timedelta(minutes=quiz.time_limit_minutes)
            if quiz.closes_at and (deadline is None or quiz.closes_at < deadline):
                deadline = quiz.closes_at
            attempt = Attempt.objects.create(
                quiz=quiz,
                user=user,
                number=number,
                language=get_language() or "en",
                started_at=now,
                deadline=deadline,
            )
            items = []
            versions = current_versions(question for _slot, question, _mark in picks)
            for position, (slot_number, question, mark) in enumerate(picks, start=1):
                version = versions[question.pk]
                items.append(
                    AttemptItem(
                        attempt=attempt,
                        position=position,
                        slot_number=slot_number,
                        version=version,
                        question=question,
                        option_order=option_order(version.data, quiz.shuffle_options, rng),
                        mark=mark,
                    )
                )
            AttemptItem.objects.bulk_create(items)
            attempt.max_score = sum((item.mark for item in items), Decimal(0))
            attempt.save(update_fields=["max_score"])
            reporting.attempt_started(attempt)
    except IntegrityError:  # a concurrent request (double click, second tab) started it first
        current = open_attempt(user, quiz)
        if current is None:
            raise
        return current, False
    if deadline is not None:
        reporting.schedule_deadline(attempt)
    return attempt, True


# Save ------------------------------------------------------------------------------------------
@dataclass
class SaveOutcome:
    attempt: Attempt
    saved: bool
    reason: str = ""  # "stale", "finished", "time_up" when not saved


def _lock(attempt_id, user=None):
    attempts = Attempt.objects.select_for_update().select_related("quiz")
    if user is not None:
        attempts = attempts.filter(user=user)
    return attempts.get(pk=attempt_id)


def _accepting_answers(attempt, now):
    return attempt.deadline is None or now <= attempt.deadline + grace()


def _apply_answers(attempt, answers, now, items=None):
    """Store the answers by position. ``items``: this attempt's items already loaded with their versions
    (question versions never change, and the rows are written by id under the attempt's lock)."""
    positions = {}
    for key, raw in (answers or {}).items():
        try:
            positions[int(key)] = raw
        except (TypeError, ValueError):
            continue
    if not positions:
        return 0
    if items is None or any(item.attempt_id != attempt.pk for item in items):
        items = attempt.items.filter(position__in=positions).select_related("version")
    items = [item for item in items if item.position in positions]
    for item in items:
        item.response = clean_response(item.version.data, positions[item.position])
        item.answered_at = now
    AttemptItem.objects.bulk_update(items, ["response", "answered_at"])
    return len(items)


def save_answers(attempt_id, user, sequence, answers, *, now=None, items=None):
    """Save some answers of an attempt in progress. ``sequence`` must exceed the last one accepted.

    A stale or replayed save (sequence not greater), a save to a finished attempt, or one after the
    deadline (plus the grace period) changes nothing and returns ``saved=False`` with the reason.
    """
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _lock(attempt_id, user)
        if attempt.is_finished:
            return SaveOutcome(attempt, False, "finished")
        if not isinstance(sequence, int) or not attempt.sequence < sequence <= MAX_INT32:
            return SaveOutcome(attempt, False, "stale")
        if not _accepting_answers(attempt, now):
            _finish(attempt, FinishReason.TIMED_OUT, now)
            return SaveOutcome(attempt, False, "time_up")
        _apply_answers(attempt, answers, now, items)
        attempt.sequence = sequence
        attempt.last_saved_at = now
        attempt.save(update_fields=["sequence", "last_saved_at"])
    return SaveOutcome(attempt, True)


# Submit and finish -----------------------------------------------------------------------------
def submit_attempt(attempt_id, user, *, sequence=None, answers=None, now=None, items=None):
    """Finish and grade. Idempotent: submitting a finished attempt returns it unchanged.

    Answers sent with the submission are applied like a save (same sequence rule); after the
    deadline plus the grace period they are ignored and the saved answers are graded.
    Returns ``(attempt, graded_now)``.
    """
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _lock(attempt_id, user)
        if attempt.is_finished:
            return attempt, False
        in_time = _accepting_answers(attempt, now)
        if answers and in_time and isinstance(sequence, int) and attempt.sequence < sequence <= MAX_INT32:
            _apply_answers(attempt, answers, now, items)
            attempt.sequence = sequence
            attempt.last_saved_at = now
        _finish(attempt, FinishReason.SUBMITTED if in_time else FinishReason.TIMED_OUT, now)
    return attempt, True


def may_be_overdue(attempt, now):
    """Whether ``finish_if_overdue`` could finish this (already loaded) attempt."""
    return not attempt.is_finished and attempt.deadline is not None and now > attempt.deadline + grace()


def finish_if_overdue(attempt_id, *, now=None, loaded=None):
    """Finish an abandoned attempt from its saved answers once its deadline (plus grace) has passed.

    ``loaded``: the attempt as the caller already has it; when it cannot be overdue it is returned as
    it is, without locking the row again.
    """
    now = now or timezone.now()
    if loaded is not None and not may_be_overdue(loaded, now):
        return loaded
    with transaction.atomic():
        attempt = _lock(attempt_id)
        if attempt.is_finished:
            return attempt
        if attempt.deadline is not None and now > attempt.deadline + grace():
            closed = attempt.quiz.is_closed(now) and attempt.deadline == attempt.quiz.closes_at
            _finish(attempt, FinishReason.CLOSED if closed else FinishReason.TIMED_OUT, now)
    return attempt


def finish_overdue_attempts(*, now=None):
    """Finish every abandoned attempt past its deadline. Returns how many were finished."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(state=AttemptState.IN_PROGRESS, deadline__lt=now - grace())
    count = 0
    for attempt_id in overdue.values_list("pk", flat=True):
        count += finish_if_overdue(attempt_id, now=now).finished_at == now
    return count


def quantize(value, places="0.0001"):
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def grade_items(attempt):
    """Grade every item from its version's snapshot; returns the items (not saved)."""
    items = list(attempt.items.select_related("version").order_by("position"))
    for item in items:
        result = grade(item.version.data, item.response)
        item.fraction = result.fraction
        item.awarded = quantize(item.mark * result.fraction)
        item.grade_result = result
    return items


def _score(attempt, items):
    attempt.score = quantize(sum((item.awarded for item in items), Decimal(0)))
    attempt.max_score = sum((item.mark for item in items), Decimal(0))
    attempt.percent = quantize(attempt.score * 100 / attempt.max_score, "0.01") if attempt.max_score else Decimal(0)
    attempt.passed = attempt.percent >= attempt.quiz.pass_mark


def _finish(attempt, reason, now):
    """Grade and close the (locked) attempt, then report it. Runs inside the caller's transaction."""
    items = grade_items(attempt)
    AttemptItem.objects.bulk_update(items, ["fraction", "awarded"])
    _score(attempt, items)
    attempt.state = AttemptState.FINISHED
    attempt.finished_at = now
    attempt.finish_reason = reason
    attempt.save()
    reporting.attempt_finished(attempt, items, overall_grade(attempt.user, attempt.quiz))


def regrade_attempt(attempt_id, *, use_latest_versions=False, now=None):
    """Grade a finished attempt again (after a question fix). Returns ``(attempt, changed)``.

    With ``use_latest_versions``, items move to the current version of their question, so a fixed
    answer key applies; the responses are kept (choice ids survive edits of a question).
    """
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _lock(attempt_id)
        if not attempt.is_finished:
            return attempt, False
        if use_latest_versions:
            items = list(attempt.items.select_related("question"))
            versions = current_versions(item.question for item in items)
            for item in items:
                latest = versions[item.question_id]
                if latest.pk != item.version_id:
                    item.version = latest
                    item.response = clean_response(latest.data, item.response)
                    item.save(update_fields=["version", "response"])
        before = (attempt.score, attempt.passed)
        items = grade_items(attempt)
        AttemptItem.objects.bulk_update(items, ["fraction", "awarded"])
        _score(attempt, items)
        changed = (attempt.score, attempt.passed) != before
        attempt.regraded_at = now
        attempt.save()
        if changed:
            reporting.attempt_regraded(attempt, overall_grade(attempt.user, attempt.quiz))
    return attempt, changed


# The quiz grade -----------------------------------------------------------------------------------
@dataclass
class QuizGrade:
    percent: Decimal | None
    passed: bool
    attempts: int


def overall_grade(user, quiz, attempts=None):
    """The officer's grade on the quiz by its grading method (highest, last, average, first)."""
    if attempts is None:
        attempts = list(
            attempts_of(user, quiz).filter(state=AttemptState.FINISHED).order_by("number").only("percent", "number")
        )
    percents = [a.percent for a in attempts if a.percent is not None]
    if not percents:
        return QuizGrade(None, False, 0)
    method = quiz.grading_method
    if method == GradingMethod.HIGHEST:
        value = max(percents)
    elif method == GradingMethod.LAST:
        value = percents[-1]
    elif method == GradingMethod.FIRST:
        value = percents[0]
    else:
        value = quantize(sum(percents) / len(percents), "0.01")
    return QuizGrade(value, value >= quiz.pass_mark, len(percents))
