"""Completion exports: CSV with BOM and neutralised formulas, XLSX (write-only) with intact Arabic,
JSON, filters and their errors, the background job with progress, and the management command."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import load_workbook

from academies import exports
from academies.models import AuditEntry, ExportJob
from core.visibility import visible
from learning.models import CourseCompletion
from organisations.access import InAcademy
from organisations.models import Membership
from tests.academies.conftest import make_user, record_completion

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(academy, academy_admin, police_course):
    arabic = make_user("ahmed@example.test", academy, full_name="أحمد المنصوري")
    Membership.objects.filter(user=arabic).update(unit="وحدة الجرائم الإلكترونية", rank='=HYPERLINK("http://x")')
    chinese = make_user("li@example.test", academy, full_name="李伟")
    Membership.objects.filter(user=chinese).update(unit="Cyber")
    record_completion(arabic, police_course)
    record_completion(chinese, police_course, expires_at=timezone.now() - timezone.timedelta(days=1))
    return arabic, chinese


def _rows(user, academy, **filters):
    completions = visible(InAcademy(user, academy), CourseCompletion, "export")
    return exports.iter_rows(completions, academy, exports.Filters.parse(filters))


def test_neutralise():
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert exports.neutralise(dangerous) == "'" + dangerous
    assert exports.neutralise("Officer") == "Officer" and exports.neutralise(3) == 3


def test_csv_has_a_bom_arabic_and_no_live_formulas(records, academy, academy_admin, tmp_path):
    path = tmp_path / "out.csv"
    exports.write(_rows(academy_admin, academy), "csv", path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0] == exports.COLUMNS
    by_email = {row[2]: dict(zip(exports.COLUMNS, row, strict=True)) for row in table[1:]}
    assert by_email["ahmed@example.test"]["officer_name"] == "أحمد المنصوري"
    assert by_email["ahmed@example.test"]["unit"] == "وحدة الجرائم الإلكترونية"
    assert by_email["ahmed@example.test"]["rank"].startswith("'=")
    assert by_email["li@example.test"]["status"] == "expired"


def test_xlsx_opens_with_arabic_and_chinese(records, academy, academy_admin, tmp_path):
    path = tmp_path / "out.xlsx"
    exports.write(_rows(academy_admin, academy), "xlsx", path)
    sheet = load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == exports.COLUMNS
    names = {row[3] for row in rows[1:]}
    assert names == {"أحمد المنصوري", "李伟"}
    assert all(not str(cell).startswith("=") for row in rows for cell in row if cell is not None)


def test_json_and_filters(records, academy, academy_admin, tmp_path, police_course):
    path = tmp_path / "out.json"
    exports.write(_rows(academy_admin, academy, status="valid"), "json", path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [r["officer_email"] for r in data["records"]] == ["ahmed@example.test"]
    assert [r[2] for r in _rows(academy_admin, academy, unit="Cyber")] == ["li@example.test"]
    assert len(list(_rows(academy_admin, academy, course=str(police_course.pk)))) == 2
    today = timezone.localdate().isoformat()
    assert len(list(_rows(academy_admin, academy, since=today, until=today))) == 2
    assert not list(_rows(academy_admin, academy, until="2001-01-01"))


@pytest.mark.parametrize(
    "bad",
    [
        {"course": "x"},
        {"since": "yesterday"},
        {"since": "1500-01-01"},
        {"since": "2026-02-01", "until": "2026-01-01"},
        {"status": "sideways"},
    ],
)
def test_out_of_range_filters_are_refused(bad):
    with pytest.raises(exports.FilterError):
        exports.Filters.parse(bad)


def test_the_export_job_runs_with_progress_and_is_downloaded(
    client, records, academy, academy_admin, django_capture_on_commit_callbacks
):
    client.force_login(academy_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/academies/{academy.slug}/exports/", {"format": "xlsx", "status": ""})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/exports/{job.uuid}/")
    status = client.get(f"/en/academies/{academy.slug}/exports/{job.uuid}/status.json").json()
    assert status == {"status": "done", "label": "Ready", "percent": 100, "done": 2, "total": 2}
    page = client.get(f"/en/academies/{academy.slug}/exports/{job.uuid}/").content.decode()
    assert "<progress" in page and "download/" in page
    download = client.get(f"/en/academies/{academy.slug}/exports/{job.uuid}/download/")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True).worksheets[0]
    assert len(list(sheet.iter_rows())) == 3
    assert AuditEntry.objects.filter(actor=academy_admin, action="exported").count() == 2
    bad = client.post(f"/en/academies/{academy.slug}/exports/", {"format": "csv", "since": "not-a-date"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.content.decode()


def test_another_administrator_cannot_fetch_the_job(
    client, records, academy, academy_admin, admin_b, django_capture_on_commit_callbacks
):
    client.force_login(academy_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/academies/{academy.slug}/exports/", {"format": "csv"})
    job = ExportJob.objects.get()
    client.force_login(admin_b)
    for suffix in ("", "status.json", "download/"):
        assert client.get(f"/en/academies/{academy.slug}/exports/{job.uuid}/{suffix}").status_code == 404


def test_the_management_command(records, academy, other_academy, tmp_path):
    path = tmp_path / "all.csv"
    call_command("export_completions", "--format", "csv", "--output", str(path), "--academy", academy.slug)
    assert len(path.read_text(encoding="utf-8-sig").splitlines()) == 3
    call_command("export_completions", "--format", "json", "--output", str(path), "--academy", other_academy.slug)
    assert json.loads(path.read_text())["records"] == []
    with pytest.raises(CommandError):
        call_command("export_completions", "--format", "csv", "--output", str(path), "--academy", "nope")
    with pytest.raises(CommandError):
        call_command("export_completions", "--format", "csv", "--output", str(path), "--since", "31/12/2026")


def test_old_export_files_are_purged_and_the_job_says_so(
    client, records, academy, academy_admin, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(academy_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/academies/{academy.slug}/exports/", {"format": "csv"})
        client.post(f"/en/academies/{academy.slug}/exports/", {"format": "json"})
    old, recent = ExportJob.objects.order_by("created_at")
    path = Path(old.file.path)
    assert path.exists()
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=8))
    call_command("purge_exports", stdout=io.StringIO())
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not path.exists() and not old.file and old.status == "removed"
    assert recent.file and Path(recent.file.path).exists() and recent.status == "done"
    page = client.get(f"/en/academies/{academy.slug}/exports/{old.uuid}/").content.decode()
    assert "kept for 7 days" in page and "download/" not in page
    assert client.get(f"/en/academies/{academy.slug}/exports/{old.uuid}/download/").status_code == 404
