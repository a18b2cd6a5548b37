"""The public verification page: verdicts, masking, JSON, rate limit, nothing to enumerate."""

import pytest
from django.utils import timezone

from certificates import codes
from certificates.models import Certificate, VerificationHit
from certificates.services import revoke
from certificates.verification import mask_name, normalise_name
from tests.certificates.conftest import record_completion

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def url(certificate_or_code, language="en"):
    code = certificate_or_code if isinstance(certificate_or_code, str) else certificate_or_code.grouped_code
    return f"/{language}/verify/{code}/"


def test_masking_and_name_normalisation():
    assert mask_name("Daniel Okafor") == "D***** O*****"
    assert mask_name("王小明") == "王**"
    assert mask_name("") == ""
    assert normalise_name(" Fernández-López ") == normalise_name("fernandez lopez") == "fernandezlopez"
    assert normalise_name("ÖZTÜRK") == normalise_name("ozturk")


def test_a_valid_certificate_with_the_name_masked(client, issued):
    response = client.get(url(issued))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Valid certificate" in html
    assert "D***** O*****" in html
    assert "Daniel Okafor" not in html
    assert "Hash values (P)" in html
    assert "Lagos Police Academy" in html
    assert "12.0 contact hours (1.20 CEU, 0.48 ECTS)" in html


def test_the_page_speaks_the_visitors_language(client, issued):
    html = client.get(url(issued, "ar")).content.decode()
    assert 'dir="rtl"' in html
    assert "قيم التجزئة (P)" in html
    assert "أكاديمية شرطة لاغوس" in html
    assert "哈希值 (P)" in client.get(url(issued, "zh-hans")).content.decode()


def test_lower_case_and_ungrouped_codes_work(client, issued):
    data = client.get(url(issued.code.lower()), **JSON).json()
    assert data["verdict"] == "valid"
    assert data["code"] == issued.grouped_code


def test_the_form_redirects_to_the_code_page(client, issued):
    response = client.get("/en/verify/", {"code": f" {issued.grouped_code.lower()} "})
    assert response.status_code == 302
    assert client.get(response["Location"], **JSON).json()["verdict"] == "valid"


def test_json_by_content_negotiation(client, issued):
    response = client.get(url(issued), **JSON)
    assert response["Content-Type"] == "application/json"
    assert "Accept" in response["Vary"]
    data = response.json()
    assert data["verdict"] == "valid"
    assert data["certificate"]["holder"] == "D***** O*****"
    assert data["certificate"]["holder_revealed"] is False
    assert data["certificate"]["contact_hours"] == "12.0"
    assert data["certificate"]["course"] == "Hash values (P)"
    # A browser's Accept header gets HTML.
    html = client.get(url(issued), HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert html["Content-Type"].startswith("text/html")


def test_the_surname_reveals_the_full_name(client, issued):
    data = client.post(url(issued), {"surname": "  OKAFOR "}, **JSON).json()
    assert data["certificate"]["holder"] == "Daniel Okafor"
    assert data["certificate"]["holder_revealed"] is True
    wrong = client.post(url(issued), {"surname": "Okafo"}, **JSON).json()
    assert wrong["certificate"]["holder"] == "D***** O*****"
    html = client.post(url(issued), {"surname": "Smith"}).content.decode()
    assert "does not match" in html
    assert "Daniel Okafor" not in html


def test_mistyped_and_unknown_codes_answer_in_the_same_shape(client, issued, django_assert_num_queries, monkeypatch):
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from certificates import throttle

    # Counted queries must not depend on the clock: one rate-limit window, no random clean-up of old ones.
    monkeypatch.setattr(throttle, "_window_start", lambda now: datetime(2026, 1, 1, tzinfo=UTC))
    monkeypatch.setattr(throttle, "secrets", SimpleNamespace(randbelow=lambda n: 1))
    body = issued.code[:12]
    wrong_check = next(s for s in codes.ALPHABET if s != issued.code[-1])
    swapped = issued.code[1] + issued.code[0] + issued.code[2:]
    unknown_body = "ABCDEFGHJKMN"
    unknown = unknown_body + codes.check_character(unknown_body)
    assert not Certificate.objects.filter(code=unknown).exists()

    answers = {}
    for name, code in {"typo": body + wrong_check, "unknown": unknown, "garbage": "hello"}.items():
        answers[name] = client.get(url(code), **JSON).json()
    if swapped != issued.code:
        assert client.get(url(swapped), **JSON).json()["verdict"] == "mistyped"
    assert answers["typo"]["verdict"] == "mistyped"
    assert answers["garbage"]["verdict"] == "mistyped"
    assert answers["unknown"]["verdict"] == "not_found"
    shapes = {tuple(sorted(answer)) for answer in answers.values()}
    assert len(shapes) == 1
    assert all(answer["certificate"] is None for answer in answers.values())
    assert "check character" in answers["typo"]["message"]

    # The same database work for a mistyped, an unknown and a genuine code (timing does not tell them apart).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for code in (body + wrong_check, unknown, issued.code):
        with CaptureQueriesContext(connection) as queries:
            client.get(url(code), **JSON)
        counts.append(len(queries))
    assert len(set(counts)) == 1


def test_a_revoked_certificate_shows_date_and_reason(client, issued, academy_admin):
    revoke(issued, by=academy_admin, reason="Obtained by fraud")
    data = client.get(url(issued), **JSON).json()
    assert data["verdict"] == "revoked"
    assert data["certificate"]["revocation_reason"] == "Obtained by fraud"
    assert data["certificate"]["revoked_at"]
    html = client.get(url(issued)).content.decode()
    assert "Revoked certificate" in html
    assert "Obtained by fraud" in html


def test_an_expired_certificate(client, member, police_course, accreditation, django_capture_on_commit_callbacks):
    past = timezone.now() - timezone.timedelta(days=400)
    with django_capture_on_commit_callbacks(execute=True):
        completion = record_completion(
            member, police_course, completed_at=past, expires_at=timezone.now() - timezone.timedelta(days=1)
        )
    # The accreditation was not in force 400 days ago: the certificate is issued by hand for the test.
    from certificates.services import issue_certificate

    certificate, _created = issue_certificate(completion, accreditation)
    data = client.get(url(certificate), **JSON).json()
    assert data["verdict"] == "expired"
    assert "expired" in data["message"]


def test_rate_limited_per_client_across_processes(client, issued, settings):
    settings.CUSTODIA_VERIFY_LIMIT_PER_MINUTE = 3
    for _ in range(3):
        assert client.get(url(issued), **JSON).status_code == 200
    limited = client.get(url(issued), **JSON)
    assert limited.status_code == 429
    assert limited.json()["verdict"] == "rate_limited"
    assert limited.json()["certificate"] is None
    assert "Retry-After" in limited
    assert client.get(url(issued), REMOTE_ADDR="10.1.2.3", **JSON).status_code == 200  # another client
    # The count lives in the database (shared by every process), keyed by a hash of the IP.
    assert VerificationHit.objects.filter(count__gte=4).exists()
    assert not VerificationHit.objects.filter(client__contains="127.0.0.1").exists()


def test_translated_verdicts(client, issued):
    with_typo = issued.code[:12] + next(s for s in codes.ALPHABET if s != issued.code[-1])
    messages = {lang: client.get(url(with_typo, lang), **JSON).json()["message"] for lang in ("en", "fr")}
    assert messages["en"]
    assert isinstance(messages["fr"], str)


def test_urls_carry_no_sequential_ids(client, issued):
    client.force_login(issued.user)
    html = client.get("/en/certificates/").content.decode()
    assert f"/en/certificates/{issued.uuid}/certificate.pdf" in html
    assert f"/certificates/{issued.pk}/" not in html
