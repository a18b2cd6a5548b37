"""What the officer's browser receives: questions without answers, and the review the quiz allows.

``present()`` builds the data a template renders from an item's snapshot. Before the review it never
includes credits, feedback, accepted answers, numeric values or the correct order.
"""

from decimal import Decimal

from django.conf import settings

from assessments.grading import BLANK_MARKER, blank_numbers, correct_response_text, grade, matching_pairs


def pick(translations, language):
    translations = translations or {}
    return translations.get(language) or translations.get("en") or next(iter(translations.values()), "")


def _segments(text):
    """Split blank-question text into ``("text", str)`` and ``("blank", n)`` parts."""
    parts, last = [], 0
    for match in BLANK_MARKER.finditer(text):
        parts.append(("text", text[last : match.start()]))
        parts.append(("blank", int(match.group(1))))
        last = match.end()
    parts.append(("text", text[last:]))
    return [part for part in parts if part != ("text", "")]


def present(item, language, review=None):
    """A template-ready view of ``item``; ``review`` is the quiz's review options once submitted."""
    data = item.version.data
    qtype = data["type"]
    response = item.response
    choices = {choice["id"]: choice for choice in data["choices"]}
    view = {
        "position": item.position,
        "type": qtype,
        "text": pick(data["text"], language),
        "mark": item.mark,
        "answered": response is not None,
    }
    if qtype in ("single", "truefalse", "multiple"):
        chosen = set(response if isinstance(response, list) else [response])
        view["options"] = [
            {"id": cid, "text": pick(choices[cid]["text"], language), "checked": cid in chosen}
            for cid in item.option_order
            if cid in choices
        ]
    elif qtype in ("short", "numeric"):
        view["value"] = response or ""
    elif qtype == "matching":
        lefts, _rights = matching_pairs(data)
        response = response or {}
        view["rights"] = [{"id": cid, "text": pick(choices[cid]["match"], language)} for cid in item.option_order]
        view["lefts"] = [
            {"id": c["id"], "text": pick(c["text"], language), "selected": response.get(str(c["id"]))} for c in lefts
        ]
    elif qtype == "ordering":
        order = response or item.option_order
        view["items"] = [
            {"id": cid, "text": pick(choices[cid]["text"], language), "rank": n} for n, cid in enumerate(order, 1)
        ]
        view["ranks"] = range(1, len(order) + 1)
    elif qtype == "blanks":
        values = response or {}
        view["segments"] = [
            {"kind": kind, "value": value if kind == "text" else values.get(str(value), ""), "number": value}
            for kind, value in _segments(view["text"])
        ]
        view["blank_count"] = len(blank_numbers(data))
    if review is not None:
        view["review"] = _review(item, data, language, review, choices)
    return view


def _review(item, data, language, options, choices):
    result = grade(data, item.response)
    review = {"state": result.state if options["correctness"] else None}
    if options["score"]:
        review["awarded"] = item.awarded if item.awarded is not None else Decimal(0)
    if options["feedback"]:
        review["feedback"] = [pick(choices[cid]["feedback"], language) for cid in result.feedback_choices]
        review["feedback"] = [text for text in review["feedback"] if text]
        review["general_feedback"] = pick(data.get("general_feedback"), language)
        review["explanation"] = pick(data.get("explanation"), language)
    if options["answers"]:
        review["correct_answer"] = correct_response_text(data, language)
    if options["correctness"] and result.parts:
        review["parts"] = result.parts
    return review


# Reading the form --------------------------------------------------------------------------------
def answers_from_post(items, post):
    """``{position: raw response}`` for the items shown on the form (absent fields mean "no answer")."""
    answers = {}
    for item in items:
        data, key = item.version.data, f"q{item.position}"
        qtype = data["type"]
        if qtype in ("single", "truefalse"):
            answers[item.position] = post.get(key)
        elif qtype == "multiple":
            answers[item.position] = post.getlist(key)
        elif qtype in ("short", "numeric"):
            answers[item.position] = post.get(key, "")
        elif qtype == "matching":
            lefts, _ = matching_pairs(data)
            answers[item.position] = {
                str(c["id"]): post.get(f"{key}-m{c['id']}") for c in lefts if post.get(f"{key}-m{c['id']}")
            }
        elif qtype == "ordering":
            ranks = {}
            for choice in data["choices"]:
                try:
                    ranks[choice["id"]] = int(post.get(f"{key}-r{choice['id']}", ""))
                except ValueError:
                    ranks = None
                    break
            if ranks and sorted(ranks.values()) == list(range(1, len(ranks) + 1)):
                answers[item.position] = sorted(ranks, key=ranks.get)
            else:
                answers[item.position] = None
        elif qtype == "blanks":
            answers[item.position] = {str(n): post.get(f"{key}-b{n}", "") for n in blank_numbers(data)}
    return answers


# Needs assessment -------------------------------------------------------------------------------
def needs_threshold():
    return Decimal(str(getattr(settings, "ASSESSMENTS_NEEDS_THRESHOLD", 70)))


def needs_report(attempt):
    """Per competency: the officer's percentage, whether to strengthen it, and what teaches it."""
    from assessments.needs import competency_scores, resources_for

    scores = competency_scores([attempt])
    threshold = needs_threshold()
    resources = resources_for(scores.keys())
    report = []
    for code, (awarded, possible) in scores.items():
        percent = (awarded * 100 / possible).quantize(Decimal("1")) if possible else Decimal(0)
        competency, pages = resources.get(code, (None, []))
        if competency is None:
            continue
        report.append(
            {"competency": competency, "percent": percent, "strengthen": percent < threshold, "pages": pages}
        )
    report.sort(key=lambda row: (not row["strengthen"], row["percent"], row["competency"].code))
    return report
