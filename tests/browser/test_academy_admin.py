"""An academy administrator in a real browser: uploads officers, reads the dry run, applies it,
exports completions as XLSX (background job, progress bar) and downloads the file, whose Arabic
text is intact when openpyxl opens it."""

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import run_axe, save_axe_report, serious_violations

CSV = (
    "name,email,unit,rank,language,courses\n"
    "أحمد المنصوري,ahmed@example.test,وحدة الجرائم الإلكترونية,Inspector,ar,police-basics\n"
    "Li Wei,li@example.test,Cyber,,zh-hans,police-basics\n"
    "Broken Row,not-an-email,Cyber,,en,police-basics\n"
)


@pytest.fixture
def academy_admin(courses, settings, tmp_path):
    from accounts.models import User
    from organisations.models import Academy, Membership, Role

    settings.MEDIA_ROOT = tmp_path / "media"
    academy = Academy.objects.create(slug="lagos", name="Lagos Police Academy", name_en="Lagos Police Academy")
    admin = User.objects.create_user("admin@lagos.example.test", "x-strong-pass", full_name="María Fernández")
    Membership.objects.create(academy=academy, user=admin, role=Role.ADMIN)
    return admin


def _log_in(page, live_server, user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_import_officers_then_export_completions(live_server, academy_admin, page, screenshot, tmp_path):
    from accounts.models import User
    from courses.models import CoursePage
    from organisations.models import Membership
    from tests.certificates.conftest import record_completion

    _log_in(page, live_server, academy_admin)
    upload = tmp_path / "officers.csv"
    upload.write_text(CSV, encoding="utf-8")
    page.goto(f"{live_server.url}/en/academies/lagos/import/")
    page.get_by_label("File").set_input_files(str(upload))
    page.get_by_role("button", name="Check the file (dry run)").click()
    page.wait_for_url("**/import/*/")
    rows = page.locator("table.import-rows tbody tr")
    assert rows.count() == 3
    assert "أحمد المنصوري" in rows.nth(0).inner_text() and "Create" in rows.nth(0).inner_text()
    assert "Reject" in rows.nth(2).inner_text() and "not valid" in rows.nth(2).inner_text()
    screenshot("academy-import-dry-run")
    violations = run_axe(page)
    save_axe_report("academy-import-dry-run", violations)
    assert not serious_violations(violations), serious_violations(violations)
    assert not User.objects.filter(email="ahmed@example.test").exists()

    page.get_by_role("button", name="Apply the accepted rows only").click()
    page.wait_for_url("**/import/*/")
    assert "2 officers applied" in page.locator(".messages").inner_text()
    ahmed = User.objects.get(email="ahmed@example.test")
    assert Membership.objects.get(user=ahmed).unit == "وحدة الجرائم الإلكترونية"

    # The officers learn; their completions are recorded.
    course = CoursePage.objects.get(slug="police-basics")
    for user in User.objects.filter(email__in=["ahmed@example.test", "li@example.test"]):
        record_completion(user, course)

    page.goto(f"{live_server.url}/en/academies/lagos/exports/")
    page.get_by_label("XLSX").check()
    page.get_by_role("button", name="Export").click()
    page.wait_for_url("**/exports/*/")
    download_link = page.get_by_role("link", name="Download")
    download_link.wait_for(state="visible")
    assert page.locator("progress").get_attribute("value") == "100"
    screenshot("academy-export-ready")
    with page.expect_download() as info:
        download_link.click()
    path = tmp_path / "export.xlsx"
    info.value.save_as(path)
    sheet = load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    names = {row[header.index("officer_name")] for row in rows[1:]}
    units = {row[header.index("unit")] for row in rows[1:]}
    assert names == {"أحمد المنصوري", "Li Wei"}
    assert "وحدة الجرائم الإلكترونية" in units

    # The reports, right to left, with their charts drawn on the server.
    page.goto(f"{live_server.url}/ar/academies/lagos/reports/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("figure.chart svg").count() == 2
    screenshot("academy-report-ar")
    violations = run_axe(page)
    save_axe_report("academy-report-ar", violations)
    assert not serious_violations(violations), serious_violations(violations)
