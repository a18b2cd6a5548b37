"""What the choice types (single choice, multiple response, true/false) share."""

from decimal import Decimal

from assessments.formats.common import ParsedChoice
from assessments.formats.gift_syntax import answer_and_feedback, answer_parts, escape, unescape, weight
from assessments.formats.xml_syntax import fraction, rich
from assessments.qtypes.base import QuestionType, credit, pick


class ChoiceType(QuestionType):
    """Options with credits (negative ones are penalties); the officer picks one or several."""

    def present(self, view, data, item, language):
        response = item.response
        chosen = set(response if isinstance(response, list) else [response])
        by_id = {choice["id"]: choice for choice in data["choices"]}
        view["options"] = [
            {"id": cid, "text": pick(by_id[cid]["text"], language), "checked": cid in chosen}
            for cid in item.option_order
            if cid in by_id
        ]

    def option_tally(self, data, responses):
        counts, unanswered = {}, 0
        for response in responses:
            if response is None:
                unanswered += 1
                continue
            for cid in response if isinstance(response, list) else [response]:
                counts[cid] = counts.get(cid, 0) + 1
        rows = [
            (c["text"].get("en") or next(iter(c["text"].values()), ""), counts.get(c["id"], 0), credit(c) > 0)
            for c in data["choices"]
        ]
        return [*rows, ("—", unanswered, False)]

    def check(self, question):
        problems = []
        if len(question.choices) < 2:
            problems.append("a choice question needs at least two answers")
        return problems + super().check(question)

    # GIFT: ``=right ~wrong ~%50%half``, each with an optional ``#feedback``
    @staticmethod
    def gift_choices(answers):
        choices = []
        for marker, segment in answer_parts(answers):
            given, rest = weight(segment)
            answer, feedback = answer_and_feedback(rest)
            fraction_ = Decimal(1 if marker == "=" else 0) if given is None else given
            choices.append(ParsedChoice(unescape(answer), fraction_, feedback))
        return choices

    def gift_read(self, answers, question, reader):
        question.choices = self.gift_choices(answers)

    @staticmethod
    def gift_feedback(choice):
        text = choice["feedback"].get("en")
        return f"#{escape(text)}" if text else ""

    # Moodle XML: <answer fraction="…"><text/><feedback/></answer>
    def xml_read(self, element, question, reader):
        for answer in element.findall("answer"):
            question.choices.append(ParsedChoice(rich(answer, "."), fraction(answer), rich(answer, "feedback")))
