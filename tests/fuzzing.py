"""Hypothesis strategies for fuzzing JSON endpoints: garbage bodies and near-valid documents.

Reusable by any endpoint test::

    from hypothesis import given
    from tests.fuzzing import FUZZ_SETTINGS, json_bodies, assert_client_error_or_success

    @FUZZ_SETTINGS
    @given(body=json_bodies(valid_example))
    def check(body):
        response = client.post(url, body, content_type="application/json")
        assert_client_error_or_success(response)

``json_bodies(example)`` mixes raw garbage (bytes that are not JSON, invalid UTF-8, deep nesting,
numbers too large for anything), arbitrary JSON values, and ``example`` with values replaced at random
paths by hostile ones (huge and negative integers, NaN and infinities, NUL characters, lone
surrogates, wrong types), so the examples reach past the first type check. ``garbage_bodies()``
alone gives bodies no endpoint should accept.
"""

import json

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Function-scoped fixtures (the test client, the database) are reused across examples on purpose.
FUZZ_SETTINGS = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

HOSTILE_NUMBERS = st.one_of(
    st.integers(),
    st.sampled_from([2**31, 2**63, 2**63 - 1, -(2**63), 2**64, 10**30, -1, 0, 10**4299]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["1e999999", "-0", "0x10", "١٢", "NaN", " 1", "1" * 5000]),
)
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "\x00", "a\x00b", "\ud800", "\udfff", "\u202e", "<script>", "' OR 1=1 --", "x" * 5000]),
)
SCALARS = st.one_of(st.none(), st.booleans(), HOSTILE_NUMBERS, HOSTILE_TEXT)


def json_values(max_leaves=12):
    """Any JSON-like value (Python side), hostile scalars at the leaves."""
    return st.recursive(
        SCALARS,
        lambda children: st.one_of(
            st.lists(children, max_size=4), st.dictionaries(HOSTILE_TEXT, children, max_size=4)
        ),
        max_leaves=max_leaves,
    )


def _encode(value):
    """JSON text of ``value`` as bytes; lone surrogates go out as escapes (as a hostile client would send them)."""
    return json.dumps(value, allow_nan=True).encode("utf-8")


def garbage_bodies():
    """Request bodies that are not a well-formed document of any endpoint."""
    return st.one_of(
        st.binary(max_size=200),
        st.sampled_from(
            [
                b"",
                b"null",
                b"[]",
                b"{",
                b'{"a": }',
                b"\xff\xfe\x00{",
                b"[" * 5000 + b"]" * 5000,
                b'{"a": ' + b"1" * 5000 + b"}",
                b'{"a": 1e999999}',
                b'{"a": NaN}',
                b'"\\ud800"',
            ]
        ),
        json_values().map(_encode),
    )


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


def _replace(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy


@st.composite
def mutated(draw, example, max_changes=3):
    """``example`` (a JSON-like dict) with one to ``max_changes`` values replaced, or keys dropped or added."""
    document = example
    for _ in range(draw(st.integers(min_value=1, max_value=max_changes))):
        paths = list(_paths(document))
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "drop", "add"]))
        if action == "drop" and path:
            parent = path[:-1]
            container = document
            for step in parent:
                container = container[step]
            if isinstance(container, dict):
                trimmed = {key: item for key, item in container.items() if key != path[-1]}
                document = _replace(document, parent, trimmed)
                continue
        if action == "add":
            container = document
            for step in path:
                container = container[step]
            if isinstance(container, dict):
                extra = {**container, draw(HOSTILE_TEXT): draw(json_values(max_leaves=4))}
                document = _replace(document, path, extra)
                continue
        document = _replace(document, path, draw(json_values(max_leaves=6)))
    return document


def json_bodies(example):
    """Garbage, or ``example`` mutated, as request bodies (bytes)."""
    return st.one_of(garbage_bodies(), mutated(example).map(_encode))


def assert_client_error_or_success(response, allowed=(200, 201, 202, 204)):
    """Never a server error: a 4xx that refuses the input, or one of the ``allowed`` success codes."""
    status = response.status_code
    assert status < 500, f"{status}: {response.content[:300]!r}"
    assert 400 <= status < 500 or status in allowed, status


# Form-encoded endpoints (what a browser form or a hand-made POST sends: text only) ---------------
EDGE_INTEGERS = [0, -1, 1, 2**31 - 1, 2**31, 2**32, 2**53 + 1, 2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**30]


def _encodable(text):
    """Lone surrogates cannot be sent as UTF-8 form data (a raw client's invalid bytes arrive as U+FFFD)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def form_scalars():
    """One hostile form value: integers past every column's range, floats, tricky and random text."""
    return st.one_of(
        st.sampled_from(EDGE_INTEGERS).map(str),
        HOSTILE_NUMBERS.map(str),
        HOSTILE_TEXT.filter(_encodable),
        st.sampled_from(["../../etc/passwd", "00000000-0000-0000-0000-000000000000", "[]", "{}", "null", "true"]),
    )


def form_data(fields, *, extra_fields=True):
    """A form body: each of ``fields`` absent, one value or several; sometimes unknown fields too."""
    value = st.one_of(form_scalars(), st.lists(form_scalars(), max_size=4))
    known = st.fixed_dictionaries({}, optional=dict.fromkeys(fields, value))
    if not extra_fields:
        return known
    unknown = st.dictionaries(st.text(min_size=1, max_size=12).filter(_encodable), value, max_size=3)
    return st.tuples(known, unknown).map(lambda pair: {**pair[1], **pair[0]})
