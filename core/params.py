"""Numbers, identifiers and choices that clients send, read within bounds.

Anything a client sends is garbage until proven otherwise: a number beyond what a database column
holds (a sequence number of 2**63), a malformed identifier or an unknown choice must be answered with
a 4xx by the view, never reach the database as a 500. Views read such values through these helpers,
which return ``None`` (or the given default) for anything unusable.
"""

import uuid

# The largest value every supported database stores in an IntegerField / PositiveIntegerField.
MAX_INT32 = 2**31 - 1
MAX_DIGITS = 12  # no bounded integer needs more: longer strings are refused before int() parses them


def bounded_int(value, *, minimum=0, maximum=MAX_INT32, default=None):
    """``value`` as an int within ``[minimum, maximum]``, or ``default``."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        if not text or len(text) > MAX_DIGITS or not text.lstrip("+-").isdecimal() or not text.isascii():
            return default
        number = int(text)
    return number if minimum <= number <= maximum else default


def choice(value, allowed, default=None):
    """``value`` if it is one of ``allowed`` (strings), else ``default``."""
    return value if isinstance(value, str) and value in allowed else default


def parse_uuid(value):
    """A ``uuid.UUID`` from its usual text forms, or ``None``."""
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str) or len(value) > 45:
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        return None
