"""Question types as plug-ins: each registered once, complete, and the only place that knows type names."""

import re
from pathlib import Path

import pytest
from django.template.loader import get_template

from assessments import qtypes
from assessments.models import Question
from assessments.qtypes.base import QuestionType

ROOT = Path(__file__).resolve().parents[2]
TYPE_NAMES = ("single", "multiple", "truefalse", "numeric", "short", "matching", "ordering", "blanks")


def test_the_eight_types_are_registered_once_with_their_templates():
    codes = [question_type.code for question_type in qtypes.all_types()]
    assert sorted(codes) == sorted(TYPE_NAMES)
    for question_type in qtypes.all_types():
        get_template(question_type.template)
        get_template(question_type.answer_template)
        for method in ("clean_response", "grade", "correct_response_text", "xml_read", "xml_write"):
            assert getattr(type(question_type), method) is not getattr(QuestionType, method), (question_type, method)
    with pytest.raises(ValueError, match="registered twice"):
        qtypes.register(qtypes.get("single"))
    assert [code for code, _label in Question._meta.get_field("qtype").choices] == codes


def test_gift_and_moodle_xml_cover_every_type():
    xml_types = {question_type.moodle_xml_type for question_type in qtypes.all_types()}
    assert all(xml_types) and "multichoice" in xml_types
    in_gift = {t.code for t in qtypes.all_types() if t.gift_order is not None}
    assert in_gift == {"single", "multiple", "truefalse", "numeric", "short", "matching"}


def _sources():
    for path in sorted((ROOT / "assessments").rglob("*.py")):
        if "qtypes" not in path.parts and "migrations" not in path.parts:
            yield path
    yield from sorted((ROOT / "templates" / "assessments").rglob("*.html"))


def test_no_module_outside_the_plug_ins_compares_type_names():
    names = "|".join(TYPE_NAMES)
    comparison = re.compile(rf"""(==|!=|\bin\b)\s*\(?\s*["']({names})["']|["']({names})["']\s*(==|!=)""")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources()
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if comparison.search(line)
    ]
    assert offenders == []
