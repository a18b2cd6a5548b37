"""URL converters. ``<id:...>`` is Django's ``<int:...>`` bounded to what a database id column holds.

A path such as /learning/lessons/9223372036854775808/complete/ must be a 404, not a database
overflow (SQLite refuses integers past 2**63; a page's id is a one-to-one key that Django does not
range-check). Every project URL takes its ids with ``<id:...>``; a test walks the URLconf for ``<int:``.
"""

from core.params import MAX_INT32, bounded_int


class IdConverter:
    regex = "[0-9]{1,10}"

    def to_python(self, value):
        number = bounded_int(value, minimum=0, maximum=MAX_INT32)
        if number is None:
            raise ValueError("out of range")  # Django then tries the next pattern, and answers 404
        return number

    def to_url(self, value):
        return str(value)
