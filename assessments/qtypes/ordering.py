"""Ordering: put the items in order; the rows' order is the right one (Moodle: qtype_ordering)."""

from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import SubElement  # noqa: S405 - building output only

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.formats.common import ParsedChoice
from assessments.qtypes.base import ONE, ZERO, Grade, QuestionType, as_int, graded, pick


class Ordering(QuestionType):
    code = "ordering"
    label = _("Ordering")
    xapi_interaction = "sequencing"
    needs_full_credit = False
    moodle_grades = False
    moodle_xml_type = "ordering"
    moodle_xml_reads = ("ordering",)

    def option_order(self, data, shuffle, rng):
        """Always shuffled, never left in the right order (that would give the answer)."""
        ids = [choice["id"] for choice in data["choices"]]
        original = list(ids)
        for _attempt in range(10):
            rng.shuffle(ids)
            if ids != original or len(ids) < 2:
                break
        return ids

    def response_from_post(self, data, post, key):
        ranks = {}
        for choice in data["choices"]:
            try:
                ranks[choice["id"]] = int(post.get(f"{key}-r{choice['id']}", ""))
            except ValueError:
                return None
        if ranks and sorted(ranks.values()) == list(range(1, len(ranks) + 1)):
            return sorted(ranks, key=ranks.get)
        return None

    def clean_response(self, data, raw):
        ids = {choice["id"] for choice in data["choices"]}
        values = [as_int(x) for x in (raw if isinstance(raw, list) else [])]
        if sorted(v for v in values if v is not None) != sorted(ids) or len(values) != len(ids):
            return None
        return values

    def present(self, view, data, item, language):
        by_id = {choice["id"]: choice for choice in data["choices"]}
        order = item.response or item.option_order
        view["items"] = [
            {"id": cid, "text": self.inline(data, pick(by_id[cid]["text"], language)), "rank": n}
            for n, cid in enumerate(order, 1)
        ]
        view["ranks"] = range(1, len(order) + 1)

    def grade(self, data, response):
        correct = [choice["id"] for choice in data["choices"]]
        if not response or len(correct) < 2:
            return Grade(ZERO, "unanswered")
        if list(response) == correct:
            return Grade(ONE, "correct")
        if data.get("scoring") == "all" or sorted(response) != sorted(correct):
            return Grade(ZERO, "incorrect")
        # Partial credit: the share of item pairs given in the right relative order.
        rank = {cid: index for index, cid in enumerate(correct)}
        given = [rank[cid] for cid in response]
        pairs = len(given) * (len(given) - 1) // 2
        right = sum(1 for i in range(len(given)) for j in range(i + 1, len(given)) if given[i] < given[j])
        return graded(Decimal(right) / Decimal(pairs))

    def correct_response_text(self, data, language):
        return " → ".join(self.plain(data, pick(c["text"], language)) for c in data["choices"])

    def check(self, question):
        return [gettext("an ordering question needs at least two items")] if len(question.choices) < 2 else []

    # Moodle XML (qtype_ordering): the items in the right order, fraction = position (1, 2, 3…).
    def xml_read(self, element, question, context):
        question.scoring = "partial"

        def position(pair):
            index, answer = pair
            try:
                return (Decimal(answer.get("fraction", "")), index)
            except InvalidOperation:
                return (Decimal(index), index)

        for _index, answer in sorted(enumerate(element.findall("answer")), key=position):
            question.choices.append(ParsedChoice(context.text(answer)))

    def xml_write(self, data, element, writer):
        for position, choice in enumerate(data["choices"], start=1):
            answer = SubElement(element, "answer", {"fraction": str(position), "format": writer.format})
            writer.text_element(answer, None, choice["text"])


TYPE = Ordering()
