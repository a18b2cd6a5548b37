"""Needs assessment: competency scores from diagnostic attempts, for one officer or in aggregate."""

from collections import defaultdict
from decimal import Decimal

from assessments.models import Attempt, AttemptItem, AttemptState, Competency


def competency_scores(attempts):
    """``{competency code: (marks awarded, marks possible)}`` over the items of ``attempts``."""
    totals = defaultdict(lambda: [Decimal(0), Decimal(0)])
    items = AttemptItem.objects.filter(attempt__in=attempts).select_related("version")
    for item in items:
        for code in item.version.data.get("competencies", []):
            totals[code][0] += item.awarded or Decimal(0)
            totals[code][1] += item.mark
    return {code: (awarded, possible) for code, (awarded, possible) in sorted(totals.items())}


def resources_for(codes):
    """``{code: (Competency, [live pages that teach it])}``."""
    result = {}
    for competency in Competency.objects.filter(code__in=list(codes)).prefetch_related("resources__page"):
        pages = [r.page.specific for r in competency.resources.all() if r.page.live]
        result[competency.code] = (competency, pages)
    return result


def competency_summary(quiz, users=None):
    """Aggregate for an academy: each officer's latest finished diagnostic attempt, averaged per competency.

    Returns ``{code: {"officers": n, "percent": Decimal, "below_threshold": n}}``; no individual rows.
    """
    from assessments.presentation import needs_threshold

    attempts = Attempt.objects.filter(quiz=quiz, state=AttemptState.FINISHED)
    if users is not None:
        attempts = attempts.filter(user__in=users)
    latest = {}
    for attempt in attempts.order_by("user_id", "number").only("pk", "user_id"):
        latest[attempt.user_id] = attempt.pk
    per_officer = defaultdict(dict)
    items = AttemptItem.objects.filter(attempt_id__in=latest.values()).select_related("version", "attempt")
    for item in items:
        for code in item.version.data.get("competencies", []):
            awarded, possible = per_officer[code].get(item.attempt.user_id, (Decimal(0), Decimal(0)))
            per_officer[code][item.attempt.user_id] = (awarded + (item.awarded or 0), possible + item.mark)
    threshold = needs_threshold()
    summary = {}
    for code, officers in sorted(per_officer.items()):
        percents = [a * 100 / p for a, p in officers.values() if p]
        summary[code] = {
            "officers": len(percents),
            "percent": (sum(percents) / len(percents)).quantize(Decimal("0.1")) if percents else None,
            "below_threshold": sum(1 for value in percents if value < threshold),
        }
    return summary
