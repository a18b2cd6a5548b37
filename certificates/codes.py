"""Verification codes: 12 random characters and one check character, printed ``XXXX-XXXX-XXXX-C``.

The alphabet has no look-alikes (no 0/O, 1/I/L) and exactly 31 symbols, a prime. The check
character ``c`` makes ``(2·v₀ + 3·v₁ + … + 13·v₁₁ + 1·c) mod 31 == 0`` (an ISO 7064-style pure
system over a prime modulus). Every weight is non-zero and all weights are distinct modulo 31,
so the check catches every single-character substitution and every transposition of two
characters (adjacent or not): a wrong symbol changes the sum by ``w·Δ``, a swap by
``(wᵢ − wⱼ)·Δ``, neither of which is 0 modulo a prime.
"""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MODULUS = len(ALPHABET)  # 31, prime
BODY_LENGTH = 12
CODE_LENGTH = BODY_LENGTH + 1
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
_WEIGHTS = tuple(range(2, BODY_LENGTH + 2))  # 2..13 for the body; the check character weighs 1
_SEPARATORS = re.compile(r"[\s\-_.·–—]+")

assert MODULUS == 31  # noqa: S101 - the proof above needs a prime modulus


def check_character(body):
    total = sum(weight * _VALUE[symbol] for weight, symbol in zip(_WEIGHTS, body, strict=True))
    return ALPHABET[(-total) % MODULUS]


def generate():
    """A new random code (13 characters, no separators), from ``secrets``."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + check_character(body)


def normalise(text):
    """Upper-case and strip separators; ``None`` unless it has the right length and symbols."""
    cleaned = _SEPARATORS.sub("", (text or "").strip()).upper()
    if len(cleaned) != CODE_LENGTH or any(symbol not in _VALUE for symbol in cleaned):
        return None
    return cleaned


def is_valid(code):
    """True when ``code`` (already normalised) passes the check character."""
    return code is not None and len(code) == CODE_LENGTH and check_character(code[:BODY_LENGTH]) == code[-1]


def parse(text):
    """``(code, well_formed, check_ok)``: the normalised code (or None) and what went wrong."""
    code = normalise(text)
    if code is None:
        return None, False, False
    return code, True, is_valid(code)


def grouped(code):
    """``ABCD-EFGH-JKMN-P`` for printing."""
    return f"{code[0:4]}-{code[4:8]}-{code[8:12]}-{code[12:]}"
