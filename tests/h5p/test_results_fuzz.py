"""Property: the H5P results endpoint answers garbage with a 4xx and never fails (no 5xx), on both databases."""

import json

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from h5p.models import H5PResult
from learning.models import Launch
from tests.fuzzing import FUZZ_SETTINGS, assert_client_error_or_success, garbage_bodies, json_bodies
from tests.h5p.conftest import launched

pytestmark = pytest.mark.django_db


def valid_body(token):
    return {
        "launch": token,
        "statement": {
            "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
            "result": {"score": {"raw": 1, "max": 2, "min": 0, "scaled": 0.5}},
            "context": {"contextActivities": {"category": [{"id": "http://h5p.org/libraries/H5P.Tiny-1.0"}]}},
        },
    }


def signed_in(officer):
    """A client of the officer without the CSRF check, so every body reaches the endpoint's own checks."""
    client = Client()
    client.force_login(officer)
    return client


def test_garbage_is_refused_with_a_client_error(setup, officer):
    _frame, _token, _csrf, _config = launched(setup)
    client = signed_in(officer)

    @FUZZ_SETTINGS
    @given(body=garbage_bodies())
    def check(body):
        response = client.post("/h5p/results/", body, content_type="application/json")
        assert_client_error_or_success(response, allowed=())

    check()
    assert not H5PResult.objects.exists()


def test_near_valid_results_never_fail(setup, officer):
    _frame, token, _csrf, _config = launched(setup)
    client = signed_in(officer)
    statuses = set()

    @FUZZ_SETTINGS
    @given(body=json_bodies(valid_body(token)), content_type=st.sampled_from(["application/json", "text/plain"]))
    def check(body, content_type):
        response = client.post("/h5p/results/", body, content_type=content_type)
        assert_client_error_or_success(response, allowed=(200, 202))
        statuses.add(response.status_code)

    check()
    # At most one result was recorded under the launch, however many near-valid bodies arrived.
    assert H5PResult.objects.count() <= 1 and Launch.objects.filter(result_at__isnull=False).count() <= 1
    assert statuses - {200, 202}  # the fuzzing reached refusals, not only successes


def test_the_valid_body_is_recorded(setup, officer):
    """The property tests start from a body the endpoint accepts (so their mutations test something)."""
    _frame, token, _csrf, _config = launched(setup)
    client = signed_in(officer)
    response = client.post("/h5p/results/", json.dumps(valid_body(token)), content_type="application/json")
    assert response.status_code == 200 and H5PResult.objects.count() == 1
