"""Reports with server-side SVG charts, transcripts (PDF with Arabic, JSON), the audit log (site
administrators only) and the API token page (created by site administrators, shown once)."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone, translation

from academies.models import ApiToken, AuditEntry
from organisations.models import Membership
from tests.academies.conftest import make_user, record_completion

pytestmark = pytest.mark.django_db


@pytest.fixture
def arabic_officer(academy, police_course):
    officer = make_user("ahmed@example.test", academy, full_name="أحمد المنصوري")
    Membership.objects.filter(user=officer).update(unit="وحدة الجرائم")
    record_completion(officer, police_course, expires_at=timezone.now() - timezone.timedelta(days=3))
    return officer


def test_report_figures_and_charts(client, academy, academy_admin, arabic_officer, police_course):
    client.force_login(academy_admin)
    for language in ("en", "ar", "zh-hans"):
        with translation.override(language):
            response = client.get(f"/{language}/academies/{academy.slug}/reports/")
        assert response.status_code == 200
        page = response.content.decode()
        assert page.count("<svg") == 2 and "وحدة الجرائم" in page
    page = client.get(f"/en/academies/{academy.slug}/reports/?unit=وحدة الجرائم").content.decode()
    assert "Overdue recertifications" in page and "أحمد المنصوري" in page
    assert client.get(f"/en/academies/{academy.slug}/reports/?since=2026-13-01").status_code == 400


def test_transcripts(client, academy, academy_admin, arabic_officer, real_pdf):
    client.force_login(academy_admin)
    data = client.get(f"/en/academies/{academy.slug}/officers/{arabic_officer.pk}/transcript.json").json()
    assert data["officer"]["name"] == "أحمد المنصوري" and data["completions"][0]["expired"] is True
    with translation.override("ar"):
        pdf = client.get(f"/ar/academies/{academy.slug}/officers/{arabic_officer.pk}/transcript.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    entries = AuditEntry.objects.filter(actor=academy_admin, officer=arabic_officer, action="viewed")
    assert entries.count() == 2


def test_the_audit_log_is_for_site_administrators(client, academy, academy_admin, arabic_officer, superuser):
    client.force_login(academy_admin)
    client.get(f"/en/academies/{academy.slug}/officers/")
    assert AuditEntry.objects.filter(what="officer list").exists()
    client.force_login(superuser)
    listing = client.get("/admin/snippets/academies/auditentry/")
    assert listing.status_code == 200 and "officer list" in listing.content.decode()
    staff = make_user("staff@example.test", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff)
    assert client.get("/admin/snippets/academies/auditentry/").status_code in (302, 403)


def test_site_administrators_create_tokens_shown_once(client, academy, superuser, academy_admin):
    client.force_login(academy_admin)
    assert client.get("/en/academies/api-tokens/").status_code == 403
    client.force_login(superuser)
    response = client.post(
        "/en/academies/api-tokens/", {"academy": academy.pk, "name": "HR", "scopes": ["officers", "bogus"]}
    )
    token = ApiToken.objects.get()
    assert token.scopes == ["officers"]
    page = response.content.decode()
    raw = page.split('id="new-token">')[1].split("<")[0]
    assert raw.startswith("cust_") and raw not in client.get("/en/academies/api-tokens/").content.decode()
    assert client.get("/api/v1/officers", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    client.post(f"/en/academies/api-tokens/{token.pk}/revoke/")
    assert client.get("/api/v1/officers", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_the_reports_inside_the_wagtail_admin(client, arabic_officer, academy, other_academy, trainer_a):
    from django.contrib.auth.models import Permission

    trainer_a.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(trainer_a)
    home = client.get("/admin/").content.decode()
    assert "/admin/academy-reports/" in home  # the menu item, for academy staff only
    listing = client.get("/admin/academy-reports/").content.decode()
    assert academy.name in listing and other_academy.name not in listing
    page = client.get(f"/admin/academy-reports/{academy.slug}/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "admin_report" in html and "Per unit" in html
    assert client.get(f"/admin/academy-reports/{other_academy.slug}/", follow=True).status_code == 404
    assert client.get(f"/admin/academy-reports/{academy.slug}/?since=nope").status_code == 400
