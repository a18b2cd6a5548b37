"""Item analysis of a quiz: facility and discrimination per question, how often each option was chosen.

* facility index: the mean share of the marks officers earned on the question (0–100 %);
* discrimination index: the correlation (Pearson, ×100) between the question's score and the rest
  of the attempt's score, so a question that strong officers get right and weak ones wrong scores
  high; near zero or negative means the question needs a look.

Only first-version-agnostic figures: items are grouped by question, whatever version they saw.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe

from assessments import qtypes
from assessments.models import AttemptItem, AttemptState


@dataclass
class ItemStats:
    question_id: int
    name: str
    qtype: str
    count: int = 0
    facility: float | None = None
    discrimination: float | None = None
    options: list = field(default_factory=list)  # (text, times chosen)


def _pearson(xs, ys):
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / math.sqrt(sxx * syy)


def item_analysis(quiz):
    items = list(
        AttemptItem.objects.filter(attempt__quiz=quiz, attempt__state=AttemptState.FINISHED)
        .select_related("version")
        .only("attempt_id", "question_id", "mark", "awarded", "response", "version__data", "version__number")
    )
    totals = defaultdict(lambda: [0.0, 0.0])
    for item in items:
        totals[item.attempt_id][0] += float(item.awarded or 0)
        totals[item.attempt_id][1] += float(item.mark)
    by_question = defaultdict(list)
    for item in items:
        by_question[item.question_id].append(item)
    stats = []
    for question_id, group in by_question.items():
        latest = max(group, key=lambda i: i.version.number).version.data
        row = ItemStats(question_id, latest.get("name", str(question_id)), latest["type"], count=len(group))
        scores = [float(i.awarded or 0) / float(i.mark) for i in group]
        row.facility = 100 * sum(scores) / len(scores)
        rest = [
            (totals[i.attempt_id][0] - float(i.awarded or 0)) / max(totals[i.attempt_id][1] - float(i.mark), 1e-9)
            for i in group
        ]
        correlation = _pearson(scores, rest)
        row.discrimination = None if correlation is None else 100 * correlation
        row.options = qtypes.of(latest).option_tally(latest, [item.response for item in group])
        stats.append(row)
    stats.sort(key=lambda row: row.name)
    return stats


def facility_chart(stats, title):
    """An inline SVG bar chart of facility (bars) and discrimination (marks), drawn on the server."""
    bar_height, gap, label_width, width = 22, 10, 220, 640
    plot = width - label_width - 20
    height = len(stats) * (bar_height + gap) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="item-chart-title" direction="ltr" class="item-chart">'
        f'<title id="item-chart-title">{escape(title)}</title>'
    ]
    for tick in (0, 25, 50, 75, 100):
        x = label_width + plot * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="22" y2="{height - 8}" stroke="#c9d0d9"/>'
            f'<text x="{x:.1f}" y="16" font-size="10" text-anchor="middle">{tick}</text>'
        )
    for index, row in enumerate(stats):
        y = 30 + index * (bar_height + gap)
        facility = row.facility or 0
        bar = plot * facility / 100
        parts.append(
            f'<g><text x="{label_width - 8}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{escape(row.name[:32])}</text>"
            f'<rect x="{label_width}" y="{y}" width="{bar:.1f}" height="{bar_height}" fill="#0b4f8a">'
            f"<title>{escape(row.name)}: {facility:.0f} %</title></rect>"
            f'<text x="{label_width + bar + 4:.1f}" y="{y + 15}" font-size="11">{facility:.0f} %</text>'
        )
        if row.discrimination is not None:
            x = label_width + plot * max(0.0, row.discrimination) / 100
            parts.append(
                f'<rect x="{x:.1f}" y="{y - 3}" width="3" height="{bar_height + 6}" fill="#a35200">'
                f"<title>D = {row.discrimination:.0f}</title></rect>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped, numbers are formatted
