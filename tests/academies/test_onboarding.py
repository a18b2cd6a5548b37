"""Bulk onboarding: the dry run row by row, all-or-nothing application, accepted rows only on
request, invitations with a set-password link, and bad files (columns, e-mails, courses,
duplicates, formulas, size, type)."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from academies import onboarding
from academies.models import ImportBatch
from accounts.models import User
from learning.models import Enrolment
from organisations.models import Membership

pytestmark = pytest.mark.django_db

GOOD = (
    "name,email,unit,rank,language,courses\n"
    "أحمد المنصوري,ahmed@example.test,وحدة الجرائم,Inspector,ar,police-basics\n"
    "Li Wei,li@example.test,Cyber,,zh-hans,police-basics;judges-basics\n"
)


def _csv(text, name="officers.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def _upload(client, academy, upload):
    return client.post(f"/en/academies/{academy.slug}/import/", {"file": upload})


@pytest.fixture
def judges(courses):
    from courses.models import CoursePage

    return CoursePage.objects.exclude(slug="police-basics").first()


def test_dry_run_then_apply(client, academy, academy_admin, police_course, judges, django_capture_on_commit_callbacks):
    text = GOOD.replace("judges-basics", judges.slug)
    client.force_login(academy_admin)
    response = _upload(client, academy, _csv(text))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert [row["action"] for row in batch.rows] == ["create", "create"]
    assert not User.objects.filter(email="ahmed@example.test").exists()  # nothing yet
    page = client.get(response["Location"]).content.decode()
    assert "أحمد المنصوري" in page and "Create" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    ahmed = User.objects.get(email="ahmed@example.test")
    assert ahmed.preferred_language == "ar" and not ahmed.has_usable_password()
    membership = Membership.objects.get(user=ahmed, academy=academy)
    assert (membership.role, membership.unit, membership.rank) == ("officer", "وحدة الجرائم", "Inspector")
    assert Enrolment.objects.filter(user__email="li@example.test").count() == 2
    assert len(mail.outbox) == 2
    assert "/password/reset/" in mail.outbox[0].body
    link = next(word for word in mail.outbox[0].body.split() if "/password/reset/" in word)
    client.logout()
    form = client.get(link.split("testserver", 1)[-1], follow=True)
    assert form.status_code == 200 and b'name="new_password1"' in form.content  # the link is valid
    # Applying twice changes nothing.
    client.post(response["Location"])
    assert len(mail.outbox) == 2 and User.objects.filter(email__endswith="@example.test").count() == 2


def test_existing_officers_are_updated_not_invited(
    academy, academy_admin, member, police_course, django_capture_on_commit_callbacks
):
    batch = onboarding.dry_run(
        _csv(f"name,email,unit,language,courses\nDaniel Okafor,{member.email.upper()},Homicide,en,police-basics\n"),
        academy,
        academy_admin,
    )
    assert batch.rows[0]["action"] == "update"
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.apply(batch, by=academy_admin)
    assert Membership.objects.get(user=member, academy=academy).unit == "Homicide"
    assert not mail.outbox


BAD_ROWS = (
    "name,email,unit,language,courses\n"
    "Good Officer,good@example.test,Cyber,en,police-basics\n"
    "No Mail,not-an-email,Cyber,en,police-basics\n"
    "Unknown Course,uc@example.test,Cyber,en,no-such-course\n"
    "Dup One,good@example.test,Cyber,en,police-basics\n"
    '=HYPERLINK("http://evil"),formula@example.test,Cyber,en,police-basics\n'
    "Bad Language,bl@example.test,Cyber,xx,police-basics\n"
)


def test_rejected_rows_block_unless_accepted_rows_only(client, academy, academy_admin, police_course):
    client.force_login(academy_admin)
    location = _upload(client, academy, _csv(BAD_ROWS))["Location"]
    batch = ImportBatch.objects.get()
    assert [row["action"] for row in batch.rows] == ["create"] + ["reject"] * 5
    reasons = " ".join(" ".join(row["errors"]) for row in batch.rows)
    for expected in ("not valid", "Unknown courses: no-such-course", "appears twice", "formula", "Unknown language"):
        assert expected in reasons
    page = client.get(location).content.decode()
    assert "Apply the accepted rows only" in page
    onboarding_count = User.objects.count()
    with pytest.raises(onboarding.NotApplied):
        onboarding.apply(batch, by=academy_admin)
    assert User.objects.count() == onboarding_count  # nothing half-applied
    client.post(location, {"accept_partial": "1"})
    assert User.objects.filter(email="good@example.test").exists()
    assert not User.objects.filter(email__in=["uc@example.test", "formula@example.test"]).exists()


def test_xlsx_upload(academy, academy_admin, police_course):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Email", "Unit", "Language", "Courses"])
    sheet.append(["李伟", "li@example.test", "网络", "zh-hans", "police-basics"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("officers.xlsx", buffer.getvalue())
    batch = onboarding.dry_run(upload, academy, academy_admin)
    assert batch.rows[0]["action"] == "create" and batch.rows[0]["name"] == "李伟"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("officers.csv", "email,name\nx@example.test,X\n", "Missing columns"),
        ("officers.csv", "", "empty"),
        ("officers.txt", "name,email\n", "CSV or XLSX"),
        ("officers.xlsx", "not a zip", "could not be read"),
        ("officers.csv", "\xff\xfe", "UTF-8"),
    ],
)
def test_bad_files_are_refused_with_a_reason(client, academy, academy_admin, name, content, message):
    client.force_login(academy_admin)
    raw = content.encode("latin-1") if "\xff" in content else content.encode()
    response = _upload(client, academy, SimpleUploadedFile(name, raw))
    assert response.status_code == 400 and message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_size_limit_is_checked_before_reading(academy, academy_admin, monkeypatch):
    class Huge:
        name = "officers.csv"
        size = 100 * 1024 * 1024

        def read(self, *args):
            raise AssertionError("a 100 MB file must not be read")

    with pytest.raises(onboarding.UploadError, match="too large"):
        onboarding.dry_run(Huge(), academy, academy_admin)


def test_only_administrators_import(client, academy, trainer_a, admin_b):
    for user in (trainer_a, admin_b):
        client.force_login(user)
        assert _upload(client, academy, _csv(GOOD)).status_code == 404
    assert not ImportBatch.objects.exists()


def test_an_address_stored_with_capitals_is_found_in_the_dry_run_and_when_applied(
    academy, academy_admin, police_course, django_capture_on_commit_callbacks
):
    officer = User.objects.create_user("jane.doe@example.test", "a-long-pass-phrase")
    User.objects.filter(pk=officer.pk).update(email="Jane.Doe@example.test")  # as typed in the user admin
    batch = onboarding.dry_run(
        _csv("name,email,unit,language,courses\nJane Doe,jane.doe@example.test,Cyber,en,police-basics\n"),
        academy,
        academy_admin,
    )
    assert batch.rows[0]["action"] == "update"
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.apply(batch, by=academy_admin)
    assert User.objects.filter(email__iexact="jane.doe@example.test").count() == 1
    assert Membership.objects.get(user=officer, academy=academy).unit == "Cyber"
    assert not mail.outbox
