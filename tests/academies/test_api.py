"""The REST API: tokens (hashed, scoped, revocable), pagination, updated_since, error bodies,
the OpenAPI schema, and schemathesis against that schema."""

import datetime

import pytest
import schemathesis
from django.utils import timezone

from academies.models import ApiToken, AuditEntry
from academies.tokens import create_token
from tests.academies.conftest import make_user, record_completion

pytestmark = pytest.mark.django_db
ALL = ["officers", "enrolments", "progress", "completions", "certificates"]


@pytest.fixture
def token(academy):
    return create_token(academy, "HR system", ALL)


def _get(client, raw, url):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_tokens_are_stored_hashed(token):
    stored, raw = token
    assert raw not in {stored.token_hash, stored.prefix} and len(stored.token_hash) == 64
    assert raw.startswith(f"cust_{stored.prefix}_")


@pytest.mark.parametrize("header", [None, "Bearer nope", "Bearer cust_00000000_wrong", "Basic abc"])
def test_bad_tokens_get_a_401_with_an_error_body(client, header, token):
    kwargs = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/officers", **kwargs)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_a_revoked_token_is_refused(client, token):
    ApiToken.objects.update(revoked_at=timezone.now())
    assert _get(client, token[1], "/api/v1/officers").status_code == 401


def test_scopes(client, academy):
    _stored, raw = create_token(academy, "Only officers", ["officers"])
    assert _get(client, raw, "/api/v1/officers").status_code == 200
    refused = _get(client, raw, "/api/v1/completions")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"


def test_pagination_and_updated_since(client, token, academy, police_course, member):
    officers = [make_user(f"o{i}@example.test", academy) for i in range(5)]
    for officer in officers[:3]:
        record_completion(officer, police_course)
    page = _get(client, token[1], "/api/v1/officers?limit=2").json()
    assert page["count"] == 6 and len(page["results"]) == 2 and page["next_offset"] == 2
    last = _get(client, token[1], "/api/v1/officers?limit=2&offset=4").json()
    assert last["next_offset"] is None
    later = (timezone.now() + datetime.timedelta(minutes=1)).isoformat()
    assert (
        _get(client, token[1], f"/api/v1/completions?updated_since={later.replace('+', '%2B')}").json()["count"] == 0
    )
    assert _get(client, token[1], "/api/v1/completions?updated_since=2000-01-01T00:00:00Z").json()["count"] == 3
    assert _get(client, token[1], "/api/v1/enrolments").json()["count"] == 3
    assert AuditEntry.objects.filter(action="api", token=token[0]).count() >= 5


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "offset=-1", "updated_since=yesterday"])
def test_out_of_range_parameters_are_422(client, token, query):
    response = _get(client, token[1], f"/api/v1/officers?{query}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_certificates(client, academy, issued):
    _stored, raw = create_token(academy, "Registry", ["certificates"])
    body = _get(client, raw, "/api/v1/certificates").json()
    assert body["count"] == 1
    assert body["results"][0]["code"] == issued.grouped_code
    assert body["results"][0]["completion_id"] == str(issued.completion.uuid)


def test_the_openapi_schema_is_public(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert set(schema["paths"]) == {f"/api/v1/{family}" for family in ALL}
    assert "BearerAuth" in str(schema["components"]["securitySchemes"]) or schema["components"]["securitySchemes"]


@pytest.fixture
def api_schema(db):
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    # The WSGI app runs in-process, inside the test's database transaction: like Django's test
    # client, keep the request signals from closing that connection (PostgreSQL would lose it).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_schemathesis(api_schema, academy, police_course, issued):
    from hypothesis import HealthCheck, given, settings
    from schemathesis.specs.openapi.checks import ignored_auth

    schema = api_schema
    _stored, raw = create_token(academy, "Fuzz", ALL)
    for officer in [make_user(f"f{i}@example.test", academy, full_name="اختبار") for i in range(3)]:
        record_completion(officer, police_course)
    checked = []
    for operation in schema.get_all_operations():
        op = operation.ok()

        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=op.as_strategy())
        def check(case):
            response = case.call(headers={"Authorization": f"Bearer {raw}"})
            # ignored_auth would see our valid header as "generated"; bad tokens are tested above.
            case.validate_response(response, excluded_checks=[ignored_auth])

        check()
        checked.append(op.path)
    assert len(checked) == 5


def test_updated_since_sees_a_re_enrolment_and_new_progress(client, token, academy, police_course, first_lesson):
    from learning import api as services
    from learning.models import Enrolment, LessonProgress

    officer = make_user("resync@example.test", academy, full_name="Re Sync")
    services.enrol(officer, police_course)
    services.withdraw(officer, police_course)
    watermark = timezone.now()
    url = f"/api/v1/enrolments?updated_since={watermark.isoformat().replace('+', '%2B')}"
    assert _get(client, token[1], url).json()["count"] == 0

    services.enrol(officer, police_course)  # re-enrolment: only the status changes
    enrolment = Enrolment.objects.get(user=officer)
    assert enrolment.updated_at >= watermark
    ids = [row["id"] for row in _get(client, token[1], url).json()["results"]]
    assert ids == [enrolment.pk]

    services.complete_lesson(officer, first_lesson)
    progress_url = url.replace("/enrolments", "/progress")
    assert [row["lesson_id"] for row in _get(client, token[1], progress_url).json()["results"]] == [first_lesson.pk]
    assert LessonProgress.objects.get(enrolment=enrolment).updated_at >= watermark
