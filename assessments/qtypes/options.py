"""What the choice types (single choice, multiple response, true/false) share."""

from decimal import Decimal

from django.utils.translation import gettext as _

from assessments.formats import texts
from assessments.formats.common import ParsedChoice
from assessments.formats.gift_syntax import split_feedback, weight, weight_text
from assessments.formats.xml_syntax import flag, fraction
from assessments.qtypes.base import QuestionType, credit, pick


class ChoiceType(QuestionType):
    """Options with credits (negative ones are penalties); the officer picks one or several."""

    single = True  # one answer (Moodle's multichoice <single>true</single>)

    def present(self, view, data, item, language):
        response = item.response
        chosen = set(response if isinstance(response, list) else [response])
        by_id = {choice["id"]: choice for choice in data["choices"]}
        view["options"] = [
            {"id": cid, "text": self.inline(data, pick(by_id[cid]["text"], language)), "checked": cid in chosen}
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
            (self.plain(data, pick(c["text"], "en")), counts.get(c["id"], 0), credit(c) > 0) for c in data["choices"]
        ]
        return [*rows, ("—", unanswered, False)]

    def check(self, question):
        problems = []
        if len(question.choices) < 2:
            problems.append(_("a choice question needs at least two answers"))
        return problems + super().check(question)

    # GIFT (Moodle's multichoice): ``~`` marks it; ``=right ~wrong ~%50%half``, each with ``#feedback``.
    def gift_read(self, answers, question, context):
        for piece in answers.replace("=", "~=").split("~"):
            piece = piece.strip()
            if not piece:
                continue
            if piece.startswith("="):
                given, piece = Decimal(1), piece[1:]
            else:
                given, piece = weight(piece)
            answer, feedback = split_feedback(piece)
            text = context.text(answer)
            if texts.as_plain(text) or texts.is_html(text):  # an empty answer is dropped, as Moodle saves it
                question.choices.append(ParsedChoice(text, given or Decimal(0), context.text(feedback)))

    def gift_write(self, data, writer):
        lines = []
        for choice in data["choices"]:
            fraction_ = Decimal(choice["fraction"])
            marker = "=" if fraction_ == 1 and self.single else "~" + weight_text(fraction_, 0)
            feedback = writer.text(choice["feedback"])
            lines.append(f"  {marker}{writer.text(choice['text'])}" + (f"#{feedback}" if feedback else ""))
        return "\n" + "\n".join(lines)

    # Moodle XML: <answer fraction="…" format="…"><text/><feedback/></answer>; not shuffled unless said.
    def xml_read(self, element, question, context):
        question.shuffle = flag(element, "shuffleanswers", False)
        for answer in element.findall("answer"):
            question.choices.append(
                ParsedChoice(context.text(answer), fraction(answer), context.text(answer, "feedback"))
            )
