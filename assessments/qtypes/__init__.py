"""Question types as plug-ins: one module per type, registered here once.

Everything that depends on a question's type (answers read from a form, grading, what the officer
sees, GIFT and Moodle XML, item analysis) asks the registry for the type's object and calls it;
no other module compares type names. Adding a type: write a module with a ``QuestionType``
subclass (see ``base``) and its two templates, then list it below.
"""

from assessments.qtypes import blanks, matching, multiple, numeric, ordering, short, single, truefalse
from assessments.qtypes.base import QuestionType

_TYPES = {}


def register(question_type):
    if question_type.code in _TYPES:
        raise ValueError(f"question type “{question_type.code}” registered twice")
    _TYPES[question_type.code] = question_type
    return question_type


for _module in (single, multiple, truefalse, numeric, short, matching, ordering, blanks):
    register(_module.TYPE)


def get(code):
    """The type object for ``code`` (KeyError for an unknown type)."""
    return _TYPES[code]


def of(data):
    """The type object of a question snapshot."""
    return _TYPES[data["type"]]


def all_types():
    return list(_TYPES.values())


def choices():
    """``(code, label)`` pairs for the model field (a callable, so migrations need no change per type)."""
    return [(question_type.code, question_type.label) for question_type in _TYPES.values()]


__all__ = ["QuestionType", "all_types", "choices", "get", "of", "register"]
