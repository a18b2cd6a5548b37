"""Bulk onboarding: an academy administrator uploads officers (CSV or XLSX); a dry run says, row by
row, what will be created, updated or rejected; applying is one transaction; invitations follow."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from academies.exports import FORMULA_START
from academies.models import ImportBatch
from core import spreadsheets
from courses.models import CoursePage
from elearning.languages import LANGUAGE_CODES
from learning.api import enrol
from learning.models import EnrolmentSource
from organisations.models import Membership, Role

LIMITS = spreadsheets.TableLimits(max_bytes=getattr(settings, "ACADEMY_IMPORT_MAX_BYTES", 2 * 1024 * 1024))
MAX_UPLOAD_BYTES = LIMITS.max_bytes
MAX_ROWS = LIMITS.max_rows
REQUIRED = ("name", "email", "unit", "language", "courses")
OPTIONAL = ("rank",)


class UploadError(ValueError):
    """The whole file is refused (size, type, columns); the message is translated."""


def read_table(upload):
    """Rows (dicts of stripped strings) from an uploaded CSV or XLSX, within ``LIMITS`` (core.spreadsheets)."""
    try:
        header, *rows = spreadsheets.read_rows(upload, LIMITS)
    except spreadsheets.TableError as error:
        raise UploadError(str(error)) from None
    header = [cell.lower() for cell in header]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise UploadError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    return [
        {column: (values[i] if i < len(values) else "") for i, column in enumerate(header)}
        for values in rows
        if any(values)
    ]


def _existing_users(emails):
    """``{lower-cased e-mail: user}`` for the addresses already registered, whatever their case, in one query."""
    wanted = {email.lower() for email in emails if email}
    users = get_user_model().objects.annotate(email_lower=Lower("email")).filter(email_lower__in=wanted)
    return {user.email.lower(): user for user in users}


def validate(table, academy):
    """The dry run: one dict per row with ``action`` (create, update, reject) and ``errors``."""
    existing = _existing_users(row.get("email", "") for row in table)
    members = set(
        Membership.objects.filter(academy=academy, user__in=existing.values()).values_list("user_id", flat=True)
    )
    courses = {page.slug: page.pk for page in CoursePage.objects.live()}
    seen = set()
    results = []
    for line, row in enumerate(table, start=2):
        errors = []
        email = row.get("email", "").lower()
        for column in (*REQUIRED, *OPTIONAL):
            if row.get(column, "").startswith(FORMULA_START):
                errors.append(_("%(column)s looks like a spreadsheet formula.") % {"column": column})
        if not row.get("name"):
            errors.append(_("The name is missing."))
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("The e-mail address is not valid."))
        if email in seen:
            errors.append(_("This e-mail address appears twice in the file."))
        seen.add(email)
        language = row.get("language", "").lower() or "en"
        if language not in LANGUAGE_CODES:
            errors.append(_("Unknown language: %(value)s.") % {"value": language})
        slugs = [slug.strip() for slug in row.get("courses", "").replace(",", ";").split(";") if slug.strip()]
        unknown = [slug for slug in slugs if slug not in courses]
        if unknown:
            errors.append(_("Unknown courses: %(courses)s.") % {"courses": ", ".join(unknown)})
        if len(row.get("name", "")) > 200 or len(row.get("unit", "")) > 200 or len(row.get("rank", "")) > 100:
            errors.append(_("A value is too long."))
        user = existing.get(email)
        if errors:
            action = "reject"
        elif user is None:
            action = "create"
        else:
            action = "update"
        results.append(
            {
                "line": line,
                "email": email,
                "name": row.get("name", ""),
                "unit": row.get("unit", ""),
                "rank": row.get("rank", ""),
                "language": language,
                "courses": [courses[slug] for slug in slugs if slug in courses],
                "course_slugs": slugs,
                "action": action,
                "member": bool(user and user.pk in members),
                "errors": errors,
            }
        )
    return results


def dry_run(upload, academy, by):
    """Read and validate; the result is saved as a batch to apply later. Raises ``UploadError``."""
    rows = validate(read_table(upload), academy)
    return ImportBatch.objects.create(academy=academy, uploaded_by=by, filename=upload.name[:255], rows=rows)


class NotApplied(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def apply(batch, *, by, accept_partial=False, request=None):
    """Apply the batch in one transaction; rejected rows block it unless ``accept_partial``."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.applied_at is not None:
            raise NotApplied(_("This file was already applied."))
        if batch.rejected and not accept_partial:
            raise NotApplied(_("Some rows are rejected: correct the file, or apply the accepted rows only."))
        rows = validate(
            [
                {
                    "name": r["name"],
                    "email": r["email"],
                    "unit": r["unit"],
                    "rank": r["rank"],
                    "language": r["language"],
                    "courses": ";".join(r["course_slugs"]),
                }
                for r in batch.accepted
            ],
            batch.academy,
        )  # validated again: the database may have changed since the dry run
        if any(row["action"] == "reject" for row in rows):
            raise NotApplied(_("The data changed since the dry run: upload the file again."))
        users = get_user_model().objects
        existing = _existing_users(row["email"] for row in rows)
        invite = []
        courses = {page.pk: page for page in CoursePage.objects.filter(pk__in={c for r in rows for c in r["courses"]})}
        for row in rows:
            user = existing.get(row["email"].lower())
            if user is None:
                user = users.create_user(row["email"], None, full_name=row["name"], preferred_language=row["language"])
                invite.append(user.pk)
            Membership.objects.update_or_create(
                academy=batch.academy,
                user=user,
                defaults={"unit": row["unit"], "rank": row["rank"]},
                create_defaults={"unit": row["unit"], "rank": row["rank"], "role": Role.OFFICER},
            )
            for course_id in row["courses"]:
                enrol(user, courses[course_id], by=by, source=EnrolmentSource.ACADEMY, check_policy=False)
        from django.utils import timezone

        batch.applied_at = timezone.now()
        batch.save(update_fields=["applied_at"])
        base = request.build_absolute_uri("/") if request is not None else "/"
        transaction.on_commit(lambda: send_invitations(invite, batch.academy, base))
    return len(rows), len(invite)


def send_invitations(user_ids, academy, base_url):
    for user in get_user_model().objects.filter(pk__in=user_ids):
        with translation.override(user.preferred_language):
            link = base_url.rstrip("/") + reverse(
                "accounts:password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
            send_mail(
                _("You are invited to Custodia by %(academy)s") % {"academy": academy.name},
                _("%(academy)s has enrolled you on Custodia. Choose your password here to sign in:\n\n%(link)s\n")
                % {"academy": academy.name, "link": link},
                None,
                [user.email],
            )
