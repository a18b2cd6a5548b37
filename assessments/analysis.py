"""Item analysis of a quiz: facility and discrimination per question, how often each option was chosen.

* facility index: the mean share of the marks officers earned on the question (0–100 %);
* discrimination index: the correlation (Pearson, ×100) between the question's score and the rest
  of the attempt's score, so a question that strong officers get right and weak ones wrong scores
  high; near zero or negative means the question needs a look.

Only first-version-agnostic figures: items are grouped by question, whatever version they saw.
"""

import math
import unicodedata
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


CHART_WIDTH, CHART_PAD, VALUE_ROOM = 640, 12, 48
LABEL_SIZE, BAR_HEIGHT, ROW_GAP = 12, 18, 14


def text_width(text, size):
    """An estimate of a text's width in an SVG: wide (CJK) characters count one em, others 0.6 em."""
    return sum(size if unicodedata.east_asian_width(char) in "WF" else size * 0.6 for char in text)


def fit(text, width, size=LABEL_SIZE):
    """``text`` shortened with "…" so that it fits ``width``."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def facility_chart(stats, title):
    """An inline SVG bar chart of facility (bars) and discrimination (marks), drawn on the server.

    Each question's name sits on its own line above its bar, across the whole width, shortened with "…"
    only when even that is too narrow (the full name is in the bar's tooltip and in the table below);
    the percentage stays inside the chart at 100 %.
    """
    plot = CHART_WIDTH - 2 * CHART_PAD - VALUE_ROOM
    row = LABEL_SIZE + 6 + BAR_HEIGHT + ROW_GAP
    height = 30 + len(stats) * row
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="item-chart-title" direction="ltr" class="item-chart">'
        f'<title id="item-chart-title">{escape(title)}</title>'
    ]
    for tick in (0, 25, 50, 75, 100):
        x = CHART_PAD + plot * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="20" y2="{height - 6}" stroke="#c9d0d9"/>'
            f'<text x="{x:.1f}" y="14" font-size="10" text-anchor="middle">{tick}</text>'
        )
    for index, row_stats in enumerate(stats):
        top = 26 + index * row
        bar_y = top + LABEL_SIZE + 6
        facility = row_stats.facility or 0
        bar = plot * facility / 100
        label = fit(row_stats.name, CHART_WIDTH - 2 * CHART_PAD)
        parts.append(
            f'<g><text x="{CHART_PAD}" y="{top + LABEL_SIZE}" font-size="{LABEL_SIZE}">{escape(label)}</text>'
            f'<rect x="{CHART_PAD}" y="{bar_y}" width="{bar:.1f}" height="{BAR_HEIGHT}" fill="#0b4f8a">'
            f"<title>{escape(row_stats.name)}: {facility:.0f} %</title></rect>"
            f'<text x="{CHART_PAD + bar + 4:.1f}" y="{bar_y + BAR_HEIGHT - 5}" font-size="11">{facility:.0f} %</text>'
        )
        if row_stats.discrimination is not None:
            x = CHART_PAD + plot * max(0.0, row_stats.discrimination) / 100
            parts.append(
                f'<rect x="{x:.1f}" y="{bar_y - 3}" width="3" height="{BAR_HEIGHT + 6}" fill="#a35200">'
                f"<title>D = {row_stats.discrimination:.0f}</title></rect>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped, numbers are formatted
