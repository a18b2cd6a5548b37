"""Grading: pure functions of a question snapshot (``QuestionVersion.data``) and a response.

No database access here, so every rule is tested directly and a regrade is a replay. Each type's
rules live in its plug-in (``assessments.qtypes``); this module is the entry point the engine,
the views and the exports call.

Responses, as stored in ``AttemptItem.response`` (after ``clean_response``):

* single, true/false: a choice id;
* multiple: a sorted list of choice ids;
* numeric, short: the text typed;
* matching: ``{"<left choice id>": <right choice id>}``;
* ordering: the list of choice ids in the order given;
* blanks: ``{"<blank number>": "text typed"}``.
"""

from assessments import qtypes
from assessments.qtypes.base import ZERO, Grade, in_language, normalise_text, text_matches
from assessments.qtypes.numeric import parse_number, parse_units

__all__ = [
    "Grade",
    "clean_response",
    "correct_response_text",
    "grade",
    "in_language",
    "normalise_text",
    "parse_number",
    "parse_units",
    "text_matches",
]


def grade(data, response):
    """Grade ``response`` (already cleaned) against the snapshot ``data``."""
    if response is None:
        return Grade(ZERO, "unanswered")
    return qtypes.of(data).grade(data, response)


def clean_response(data, raw):
    """Turn what a form or the autosave sent into the stored shape; anything unknown is dropped.

    Returns None for "no answer". Never raises on hostile input.
    """
    if raw is None:
        return None
    return qtypes.of(data).clean_response(data, raw)


def correct_response_text(data, language="en"):
    """A human-readable correct answer, in ``language`` where the snapshot has it."""
    return qtypes.of(data).correct_response_text(data, language)
