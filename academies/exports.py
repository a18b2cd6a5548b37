"""Completion exports: CSV (UTF-8 with BOM), XLSX (openpyxl write-only) and JSON, streamed.

Rows come from ``values_list(...).iterator(chunk_size=...)`` and go straight to the file, so memory
stays flat whatever the number of records. Columns are documented in docs/exports.md.
"""

import csv
import datetime
import json
from dataclasses import dataclass

from django.db.models import CharField, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from academies.models import Membership, Role
from certificates.models import Certificate
from learning.models import CourseCompletion

CHUNK_SIZE = 5000
COLUMNS = [
    "completion_id",
    "officer_id",
    "officer_email",
    "officer_name",
    "unit",
    "rank",
    "course_id",
    "course_title",
    "language",
    "cycle",
    "completed_at",
    "score",
    "hours",
    "expires_at",
    "status",
    "certificate_code",
]
TEXT_COLUMNS = {"officer_email", "officer_name", "unit", "rank", "course_title", "certificate_code"}
STATUSES = ("valid", "expired")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class FilterError(ValueError):
    """A filter out of range; the message is translated and safe to show."""


def neutralise(value):
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@dataclass
class Filters:
    course: int | None = None
    unit: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None
    status: str = ""

    @classmethod
    def parse(cls, data):
        """From a dict of strings (a form, a query string, command options); raises ``FilterError``."""
        course = data.get("course") or None
        if course is not None:
            try:
                course = int(course)
            except (TypeError, ValueError):
                raise FilterError(_("The course must be a number.")) from None
        dates = {}
        for key in ("since", "until"):
            value = data.get(key) or None
            if value and not isinstance(value, datetime.date):
                try:
                    value = datetime.date.fromisoformat(str(value))
                except ValueError:
                    raise FilterError(_("Dates are written YYYY-MM-DD.")) from None
            if value and not (datetime.date(2000, 1, 1) <= value <= datetime.date(2100, 12, 31)):
                raise FilterError(_("The date is out of range."))
            dates[key] = value
        if dates["since"] and dates["until"] and dates["since"] > dates["until"]:
            raise FilterError(_("The period ends before it starts."))
        status = data.get("status") or ""
        if status not in ("", *STATUSES):
            raise FilterError(_("Unknown status."))
        unit = (data.get("unit") or "").strip()[:200]
        return cls(course=course, unit=unit, since=dates["since"], until=dates["until"], status=status)

    def as_dict(self):
        return {
            "course": self.course,
            "unit": self.unit,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "status": self.status,
        }


def completion_rows(completions, academy, filters, now=None):
    """``completions`` is already scoped (``academies.scoping``); yields tuples in ``COLUMNS`` order."""
    now = now or timezone.now()
    membership = Membership.objects.filter(user=OuterRef("user_id"), role=Role.OFFICER).order_by("pk")
    certificate = Certificate.objects.filter(completion=OuterRef("pk"), revoked_at__isnull=True).order_by("pk")
    if academy is not None:  # the management command without --academy exports everyone's
        membership = membership.filter(academy=academy)
        certificate = certificate.filter(academy=academy)
    queryset = completions.annotate(
        unit=Subquery(membership.values("unit")[:1], output_field=CharField()),
        rank=Subquery(membership.values("rank")[:1], output_field=CharField()),
        certificate_code=Subquery(certificate.values("code")[:1], output_field=CharField()),
    )
    if filters.course:
        queryset = queryset.filter(course_id=filters.course)
    if filters.unit:
        queryset = queryset.filter(unit=filters.unit)
    if filters.since:
        queryset = queryset.filter(completed_at__date__gte=filters.since)
    if filters.until:
        queryset = queryset.filter(completed_at__date__lte=filters.until)
    if filters.status == "valid":
        queryset = queryset.exclude(expires_at__lte=now)
    elif filters.status == "expired":
        queryset = queryset.filter(expires_at__lte=now)
    return queryset.order_by("pk")


def count(completions, academy, filters):
    return completion_rows(completions, academy, filters).count()


def iter_rows(completions, academy, filters, now=None):
    now = now or timezone.now()
    queryset = completion_rows(completions, academy, filters, now).values_list(
        "uuid",
        "user_id",
        "user__email",
        "user__full_name",
        "unit",
        "rank",
        "course_id",
        "course_title",
        "language",
        "cycle",
        "completed_at",
        "score",
        "hours",
        "expires_at",
        "certificate_code",
    )
    for row in queryset.iterator(chunk_size=CHUNK_SIZE):
        (
            uid,
            user_id,
            email,
            name,
            unit,
            rank,
            course_id,
            title,
            language,
            cycle,
            completed,
            score,
            hours,
            expires,
            code,
        ) = row
        status = "expired" if expires is not None and expires <= now else "valid"
        yield (
            str(uid),
            user_id,
            email,
            name,
            unit or "",
            rank or "",
            course_id,
            title,
            language,
            cycle,
            completed.isoformat(),
            None if score is None else str(score),
            str(hours),
            expires.isoformat() if expires else None,
            status,
            code or "",
        )


class _Echo:
    def write(self, value):
        return value


def csv_chunks(rows):
    """Encoded CSV, a chunk per few hundred rows: for StreamingHttpResponse and files alike."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode() + writer.writerow(COLUMNS).encode()
    buffer = []
    for row in rows:
        buffer.append(
            writer.writerow([neutralise(v) if isinstance(v, str) else ("" if v is None else v) for v in row])
        )
        if len(buffer) >= 500:
            yield "".join(buffer).encode()
            buffer.clear()
    if buffer:
        yield "".join(buffer).encode()


def json_chunks(rows):
    yield b'{"columns": ' + json.dumps(COLUMNS).encode() + b', "records": ['
    first = True
    buffer = []
    for row in rows:
        buffer.append(
            ("" if first else ",") + "\n" + json.dumps(dict(zip(COLUMNS, row, strict=True)), ensure_ascii=False)
        )
        first = False
        if len(buffer) >= 500:
            yield "".join(buffer).encode()
            buffer.clear()
    buffer.append("\n]}\n")
    yield "".join(buffer).encode()


def write_xlsx(rows, path, progress=None):
    """XLSX with openpyxl's write-only workbook (rows are flushed to a temporary file as written)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Completions")[:31])
    sheet.append(COLUMNS)
    for number, row in enumerate(rows, 1):
        sheet.append([neutralise(v) for v in row])
        if progress and number % CHUNK_SIZE == 0:
            progress(number)
    workbook.save(path)


def write(rows, fmt, path, progress=None):
    """Write ``rows`` to ``path`` in ``fmt``; ``progress(n)`` is called every ``CHUNK_SIZE`` rows."""
    if fmt == "xlsx":
        return write_xlsx(rows, path, progress)
    counted = _counting(rows, progress)
    chunks = csv_chunks(counted) if fmt == "csv" else json_chunks(counted)
    with open(path, "wb") as handle:
        for chunk in chunks:
            handle.write(chunk)


def _counting(rows, progress):
    for number, row in enumerate(rows, 1):
        yield row
        if progress and number % CHUNK_SIZE == 0:
            progress(number)


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def all_completions():
    """For the management command (site-wide, run by an operator): every completion."""
    return CourseCompletion.objects.all()
