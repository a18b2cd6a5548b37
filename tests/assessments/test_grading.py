"""Grading of every question type: pure functions of a snapshot and a response (no database)."""

from decimal import Decimal

import pytest

from assessments.grading import (
    clean_response,
    correct_response_text,
    grade,
    normalise_text,
    parse_number,
    parse_units,
)


def choice(cid, text="", fraction="0", **extra):
    data = {
        "id": cid,
        "text": {"en": text} if isinstance(text, str) else text,
        "match": {},
        "feedback": {},
        "fraction": str(fraction),
        "value": None,
        "tolerance": "0",
        "blank": None,
    }
    data.update(extra)
    return data


def question(qtype, choices, **extra):
    data = {"type": qtype, "choices": choices, "scoring": "partial", "case_sensitive": False, "units": ""}
    data.update(extra)
    return data


def fraction_of(data, response):
    return grade(data, clean_response(data, response)).fraction


# Single choice, true/false ---------------------------------------------------------------------
SINGLE = question("single", [choice(1, "Hash", 1), choice(2, "Photo", 0), choice(3, "Half", "0.5")])


def test_single_choice_right_wrong_partial_and_unanswered():
    assert fraction_of(SINGLE, "1") == 1
    assert grade(SINGLE, 1).state == "correct"
    assert fraction_of(SINGLE, 2) == 0
    assert fraction_of(SINGLE, 3) == Decimal("0.5")
    assert grade(SINGLE, clean_response(SINGLE, None)).state == "unanswered"


def test_single_choice_ignores_unknown_ids_and_hostile_input():
    assert clean_response(SINGLE, "99") is None
    assert clean_response(SINGLE, {"$gt": 1}) is None
    assert clean_response(SINGLE, "1; DROP TABLE") is None


def test_single_choice_negative_fraction_never_below_zero():
    data = question("single", [choice(1, "a", 1), choice(2, "b", "-0.5")])
    assert fraction_of(data, 2) == 0


def test_true_false_feedback_is_the_chosen_option():
    data = question("truefalse", [choice(1, "True", 0, feedback={"en": "No"}), choice(2, "False", 1)])
    result = grade(data, 1)
    assert result.fraction == 0 and result.feedback_choices == [1]
    assert fraction_of(data, "2") == 1


# Multiple response -----------------------------------------------------------------------------
MULTI = question(
    "multiple",
    [choice(1, "a", "0.5"), choice(2, "b", "0.5"), choice(3, "c", "-1"), choice(4, "d", "0")],
)


def test_multiple_response_partial_credit_and_penalties():
    assert fraction_of(MULTI, ["1", "2"]) == 1
    assert fraction_of(MULTI, ["1"]) == Decimal("0.5")
    assert grade(MULTI, [1]).state == "partial"
    assert fraction_of(MULTI, ["1", "2", "3"]) == 0  # penalty
    assert fraction_of(MULTI, ["1", "4"]) == Decimal("0.5")  # zero-credit distractor neither adds nor takes
    assert fraction_of(MULTI, ["3"]) == 0  # never negative
    assert fraction_of(MULTI, []) == 0


def test_multiple_response_duplicates_do_not_count_twice():
    assert clean_response(MULTI, ["1", "1", 1]) == [1]
    assert fraction_of(MULTI, ["1", "1"]) == Decimal("0.5")


def test_multiple_response_thirds_add_up_to_one():
    data = question("multiple", [choice(i, str(i), "0.33333") for i in (1, 2, 3)] + [choice(4, "x", "-0.33333")])
    assert fraction_of(data, [1, 2, 3]) == 1  # 3 × 33.333% is a full mark
    assert fraction_of(data, [1, 2]) == Decimal("0.66666")
    data = question("multiple", [choice(i, str(i), "0.3333333") for i in (1, 2)] + [choice(3, "t", "0.3333334")])
    assert fraction_of(data, [1, 2, 3]) == 1


def test_multiple_response_all_or_nothing():
    data = dict(MULTI, scoring="all")
    assert fraction_of(data, [1, 2]) == 1
    assert fraction_of(data, [1]) == 0
    assert fraction_of(data, [1, 2, 4]) == 0


# Short answer ----------------------------------------------------------------------------------
SHORT = question(
    "short",
    [
        choice(1, {"en": "chain of custody", "fr": "chaîne de possession"}, 1),
        choice(2, "custody", "0.5"),
        choice(3, "SHA-*", "1"),
    ],
)


def test_short_answer_case_whitespace_and_languages():
    assert fraction_of(SHORT, "  Chain   of\tCUSTODY ") == 1
    assert fraction_of(SHORT, "Chaîne de possession") == 1  # accepted in any language the snapshot has
    assert fraction_of(SHORT, "custody") == Decimal("0.5")
    assert fraction_of(SHORT, "chainofcustody") == 0
    assert grade(SHORT, clean_response(SHORT, "   ")).state == "unanswered"


def test_short_answer_wildcard_and_case_sensitivity():
    assert fraction_of(SHORT, "sha-256") == 1
    sensitive = dict(SHORT, case_sensitive=True)
    assert fraction_of(sensitive, "sha-256") == 0
    assert fraction_of(sensitive, "SHA-256") == 1
    assert fraction_of(sensitive, "Chain of custody") == 0


def test_short_answer_unicode_normalisation():
    data = question("short", [choice(1, "café", 1)])
    assert fraction_of(data, "cafe\u0301") == 1  # combining accent
    assert normalise_text("ＡＢＣ") == "abc"  # full-width letters


def test_short_answer_brackets_are_literal_in_wildcards():
    data = question("short", [choice(1, "[a]*", 1)])
    assert fraction_of(data, "[a]bc") == 1
    assert fraction_of(data, "abc") == 0


def test_short_answer_is_capped_in_length():
    assert len(clean_response(SHORT, "x" * 10_000)) == 500


# Numeric ---------------------------------------------------------------------------------------
NUMERIC = question(
    "numeric",
    [
        choice(1, "", 1, value="3.5", tolerance="0.1"),
        choice(2, "", "0.5", value="3.5", tolerance="1"),
    ],
    units="GB 1\nMB 1024",
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3.5", 1),
        ("3.6", 1),  # edge of the tolerance is inside
        ("3.61", Decimal("0.5")),
        ("4.5", Decimal("0.5")),
        ("4.51", 0),
        ("3,5", 1),  # comma decimal separator
        ("٣٫٥", 1),  # Arabic-Indic digits and separator
        ("3.5 GB", 1),
        ("3584 MB", 1),
        ("3.5gb", 1),
        ("3.5 TB", 0),  # unknown unit is wrong
        ("three", 0),
        ("1,234.5", 0),
        ("3.5e0", 1),
        ("−3.5", 0),
    ],
)
def test_numeric_tolerance_units_and_locales(typed, expected):
    assert fraction_of(NUMERIC, typed) == Decimal(expected)


def test_numeric_units_required():
    data = dict(NUMERIC, unit_handling="required")
    assert fraction_of(data, "3.5") == 0
    assert fraction_of(data, "3.5 GB") == 1


def test_numeric_range_as_value_and_tolerance():
    data = question("numeric", [choice(1, "", 1, value="3", tolerance="2")])  # GIFT {#1..5}
    assert fraction_of(data, "1") == 1 and fraction_of(data, "5") == 1 and fraction_of(data, "5.01") == 0


def test_parse_units_and_numbers():
    assert parse_units("GB 1\n\nMB 1024") == [("GB", 1), ("MB", 1024)]
    with pytest.raises(ValueError, match="line 1"):
        parse_units("GB")
    with pytest.raises(ValueError, match="positive"):
        parse_units("GB 0")
    assert parse_number("") is None
    assert parse_number(".5") == Decimal("0.5")


# Matching --------------------------------------------------------------------------------------
MATCHING = question(
    "matching",
    [
        choice(1, "MD5", match={"en": "Hash function"}),
        choice(2, "SHA-256", match={"en": "Hash function"}),  # same right-hand text
        choice(3, "Write blocker", match={"en": "Hardware"}),
        choice(4, "", match={"en": "Cloud service"}),  # distractor
    ],
)


def test_matching_partial_credit_and_shared_answers():
    assert fraction_of(MATCHING, {"1": "1", "2": "1", "3": "3"}) == 1  # either "Hash function" id counts
    assert clean_response(MATCHING, {"1": "2"}) is None  # duplicate right-hand texts are offered once
    assert fraction_of(MATCHING, {"1": "1", "2": "3", "3": "4"}) == Decimal("0.3333333")
    assert fraction_of(MATCHING, {"1": "4"}) == 0
    assert clean_response(MATCHING, {"4": "1", "99": "1"}) is None  # the distractor is not a left item
    result = grade(MATCHING, clean_response(MATCHING, {"1": "1", "3": "4"}))
    assert result.parts == {"1": True, "2": False, "3": False}


# Ordering --------------------------------------------------------------------------------------
ORDERING = question("ordering", [choice(i, f"step {i}") for i in (1, 2, 3, 4)])


def test_ordering_full_partial_and_all_or_nothing():
    assert fraction_of(ORDERING, [1, 2, 3, 4]) == 1
    assert fraction_of(ORDERING, [4, 3, 2, 1]) == 0
    assert fraction_of(ORDERING, [2, 1, 3, 4]) == Decimal("0.8333333")  # 5 of 6 pairs in order
    assert fraction_of(dict(ORDERING, scoring="all"), [2, 1, 3, 4]) == 0
    assert clean_response(ORDERING, [1, 2, 3]) is None  # incomplete
    assert clean_response(ORDERING, [1, 1, 2, 3]) is None  # duplicates


# Fill in the blanks ----------------------------------------------------------------------------
BLANKS = question(
    "blanks",
    [
        choice(1, "hash", 1, blank=1),
        choice(2, "checksum", "0.5", blank=1),
        choice(3, "write blocker", 1, blank=2),
    ],
)


def test_blanks_each_blank_counts_equally():
    assert fraction_of(BLANKS, {"1": "Hash", "2": "write  blocker"}) == 1
    assert fraction_of(BLANKS, {"1": "checksum", "2": "write blocker"}) == Decimal("0.75")
    assert fraction_of(BLANKS, {"1": "hash"}) == Decimal("0.5")
    assert fraction_of(BLANKS, {"3": "hash"}) == 0  # unknown blank dropped
    assert grade(BLANKS, clean_response(BLANKS, {"1": " ", "2": ""})).state == "unanswered"


def test_correct_response_text_for_the_review():
    assert correct_response_text(SINGLE) == "Hash"
    assert correct_response_text(MULTI) == "a; b"
    assert correct_response_text(NUMERIC) == "3.5 GB ± 0.1"
    assert correct_response_text(ORDERING) == "step 1 → step 2 → step 3 → step 4"
    assert correct_response_text(BLANKS) == "[1] hash; [2] write blocker"
    assert "MD5 → Hash function" in correct_response_text(MATCHING)
    assert correct_response_text(SHORT, "fr") == "chaîne de possession"
