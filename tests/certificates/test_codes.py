import re
import secrets

from certificates import codes


def test_generated_codes_have_the_format_and_a_valid_check_character():
    for _ in range(200):
        code = codes.generate()
        assert len(code) == 13
        assert set(code) <= set(codes.ALPHABET)
        assert codes.is_valid(code)
        assert re.fullmatch(
            r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]", codes.grouped(code)
        )


def test_alphabet_has_no_look_alikes():
    assert not set("01OIL") & set(codes.ALPHABET)
    assert len(codes.ALPHABET) == len(set(codes.ALPHABET)) == 31


def test_every_single_substitution_is_caught():
    for _ in range(20):
        code = codes.generate()
        for position in range(len(code)):
            for symbol in codes.ALPHABET:
                if symbol != code[position]:
                    typo = code[:position] + symbol + code[position + 1 :]
                    assert not codes.is_valid(typo), (code, typo)


def test_every_transposition_is_caught():
    for _ in range(50):
        code = codes.generate()
        for i in range(len(code)):
            for j in range(i + 1, len(code)):
                if code[i] != code[j]:
                    swapped = list(code)
                    swapped[i], swapped[j] = swapped[j], swapped[i]
                    assert not codes.is_valid("".join(swapped)), (code, i, j)


def test_parsing_is_case_and_separator_insensitive():
    code = codes.generate()
    typed = f"  {codes.grouped(code).lower()} "
    assert codes.parse(typed) == (code, True, True)
    assert codes.parse(code[:4] + " " + code[4:])[0] == code


def test_malformed_and_mistyped_codes():
    code = codes.generate()
    assert codes.parse("nonsense") == (None, False, False)
    assert codes.parse(code[:-1] + "0") == (None, False, False)  # 0 is not in the alphabet
    wrong = next(s for s in codes.ALPHABET if s != code[-1])
    assert codes.parse(code[:-1] + wrong) == (code[:-1] + wrong, True, False)


def test_codes_use_the_secrets_module(monkeypatch):
    calls = []
    original = secrets.choice
    monkeypatch.setattr(secrets, "choice", lambda seq: calls.append(1) or original(seq))
    codes.generate()
    assert len(calls) == 12
