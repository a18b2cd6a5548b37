"""Matching: each left-hand item goes with a right-hand answer; rows without a left item are distractors."""

from decimal import Decimal
from xml.etree.ElementTree import SubElement  # noqa: S405 - building output only

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.formats import texts
from assessments.formats.common import ParsedChoice
from assessments.formats.gift_syntax import GiftError, escape, explode, restore
from assessments.qtypes.base import (
    ZERO,
    Grade,
    QuestionType,
    all_texts,
    as_int,
    first_value,
    graded,
    normalise_text,
    pick,
)


def matching_pairs(data):
    """Left items (choices with text) and the distinct right-hand options (by their text, English first)."""
    lefts = [choice for choice in data["choices"] if all_texts(choice["text"])]
    rights, seen = [], set()
    for choice in data["choices"]:
        key = match_key(choice)
        if key and key not in seen:
            seen.add(key)
            rights.append(choice)
    return lefts, rights


def match_key(choice):
    match = choice.get("match") or {}
    return normalise_text(match.get("en") or next(iter(match.values()), ""))


class Matching(QuestionType):
    code = "matching"
    label = _("Matching")
    xapi_interaction = "matching"
    needs_full_credit = False
    moodle_grades = False
    moodle_xml_type = "matching"
    moodle_xml_reads = ("matching", "match")
    gift_order = 30

    def option_order(self, data, shuffle, rng):
        """The right-hand options, always shuffled (their order would give the answer away)."""
        _lefts, rights = matching_pairs(data)
        ids = [choice["id"] for choice in rights]
        rng.shuffle(ids)
        return ids

    def response_from_post(self, data, post, key):
        lefts, _rights = matching_pairs(data)
        return {str(c["id"]): post.get(f"{key}-m{c['id']}") for c in lefts if post.get(f"{key}-m{c['id']}")}

    def clean_response(self, data, raw):
        if not isinstance(raw, dict):
            return None
        lefts, rights = matching_pairs(data)
        left_ids, right_ids = {c["id"] for c in lefts}, {c["id"] for c in rights}
        cleaned = {}
        for key, value in raw.items():
            left, right = as_int(key), as_int(first_value(value))
            if left in left_ids and right in right_ids:
                cleaned[str(left)] = right
        return cleaned or None

    def present(self, view, data, item, language):
        lefts, _rights = matching_pairs(data)
        by_id = {choice["id"]: choice for choice in data["choices"]}
        response = item.response or {}
        view["rights"] = [{"id": cid, "text": pick(by_id[cid]["match"], language)} for cid in item.option_order]
        view["lefts"] = [
            {
                "id": c["id"],
                "text": self.inline(data, pick(c["text"], language)),
                "selected": response.get(str(c["id"])),
            }
            for c in lefts
        ]

    def grade(self, data, response):
        lefts, _rights = matching_pairs(data)
        if not response or not lefts:
            return Grade(ZERO, "unanswered")
        by_id = {choice["id"]: choice for choice in data["choices"]}
        parts = {}
        for left in lefts:
            chosen = by_id.get(as_int(response.get(str(left["id"]))))
            parts[str(left["id"])] = chosen is not None and match_key(chosen) == match_key(left)
        return graded(Decimal(sum(parts.values())) / Decimal(len(lefts)), [], parts)

    def correct_response_text(self, data, language):
        lefts, _rights = matching_pairs(data)
        return "; ".join(
            f"{self.plain(data, pick(c['text'], language))} → {pick(c['match'], language)}" for c in lefts
        )

    def check(self, question):
        if len([c for c in question.choices if texts.as_plain(c.text) or texts.is_html(c.text)]) < 2:
            return [gettext("a matching question needs at least two pairs")]
        return []

    # GIFT: ``=left -> right`` pairs (``= -> right`` is a distractor); a ``~`` makes it multiple choice instead.
    def gift_claims(self, answers):
        return "=" in answers and "->" in answers

    def gift_read(self, answers, question, context):
        pieces = explode(answers, "=")
        for piece in pieces:
            piece = piece.strip()
            arrow = piece.find("->")
            if arrow < 0:
                raise GiftError(gettext("the pair “%(pair)s” has no ->") % {"pair": restore(piece)})
            question.choices.append(
                ParsedChoice(text=context.text(piece[:arrow]), match_text=restore(piece[arrow + 2 :]).strip())
            )
        if len(pieces) < 2:
            raise GiftError(gettext("a matching question needs at least two pairs"))

    def gift_write(self, data, writer):
        lines = [f"  ={writer.text(c['text'])} -> {escape(writer.pick(c['match']))}" for c in data["choices"]]
        return "\n" + "\n".join(lines)

    # Moodle XML: <subquestion format="…"><text/><answer><text/></answer></subquestion>
    def xml_read(self, element, question, context):
        for sub in element.findall("subquestion"):
            question.choices.append(ParsedChoice(text=context.text(sub), match_text=context.plain(sub, "answer/text")))

    def xml_write(self, data, element, writer):
        for choice in data["choices"]:
            sub = SubElement(element, "subquestion", {"format": writer.format})
            writer.text_element(sub, None, choice["text"])
            SubElement(SubElement(sub, "answer"), "text").text = writer.pick(choice["match"])


TYPE = Matching()
