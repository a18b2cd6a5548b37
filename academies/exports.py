"""Completion exports: CSV (UTF-8 with BOM), XLSX (openpyxl write-only) and JSON, streamed.

Rows come from ``values_list(...).iterator(chunk_size=...)`` and go straight to the file, so memory
stays flat whatever the number of records. Columns are documented in docs/exports.md.
"""

import csv
import datetime
import io
import itertools
import json
from dataclasses import dataclass

from django.db.models import CharField, F, FilteredRelation, OuterRef, Q, Subquery
from django.db.models.sql.constants import MULTI
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import Certificate
from learning.models import CourseCompletion
from organisations.models import Membership, Role

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
TEXT_INDEXES = tuple(i for i, column in enumerate(COLUMNS) if column in TEXT_COLUMNS)
STATUSES = ("valid", "expired")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as the start of a formula


class FilterError(ValueError):
    """A filter out of range; the message is translated and safe to show."""


def _safe(row):
    """The row with text cells neutralised (``TEXT_INDEXES`` only) and ``None`` as empty."""
    row = list(row)
    for i in TEXT_INDEXES:
        row[i] = neutralise(row[i])
    return row


def neutralise(value):
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
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
    """``completions`` is already what the requester may export (``core.visibility.visible``); a queryset."""
    now = now or timezone.now()
    certificate = Certificate.objects.filter(completion=OuterRef("pk"), revoked_at__isnull=True).order_by("pk")
    if academy is not None:
        # One membership per academy and user: a join, not two subqueries per row.
        certificate = certificate.filter(academy=academy)
        queryset = completions.annotate(
            officer_membership=FilteredRelation(
                "user__academy_memberships",
                condition=Q(user__academy_memberships__academy=academy, user__academy_memberships__role=Role.OFFICER),
            ),
        ).annotate(unit=F("officer_membership__unit"), rank=F("officer_membership__rank"))
    else:  # the management command without --academy exports everyone's: first officer membership
        membership = Membership.objects.filter(user=OuterRef("user_id"), role=Role.OFFICER).order_by("pk")
        queryset = completions.annotate(
            unit=Subquery(membership.values("unit")[:1], output_field=CharField()),
            rank=Subquery(membership.values("rank")[:1], output_field=CharField()),
        )
    queryset = queryset.annotate(certificate_code=Subquery(certificate.values("code")[:1], output_field=CharField()))
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


FIELDS = (
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


def _iso(value):
    """A timestamp as ISO 8601 in UTC, from a datetime (PostgreSQL) or SQLite's stored text."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.replace(" ", "T", 1) + "+00:00"
    if value.tzinfo is None:  # SQLite's converter: naive, in UTC
        return value.isoformat() + "+00:00"
    return value.isoformat()


def _uuid(value):
    if isinstance(value, str) and len(value) == 32:  # SQLite stores UUIDs as 32 hex digits
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(value)


def iter_rows(completions, academy, filters, now=None):
    """Tuples in ``COLUMNS`` order, read in chunks straight from the database cursor.

    The rows skip Django's per-value converters (the slowest part of a million-row export) and
    are normalised here instead, the same way on SQLite and PostgreSQL. ``chunked_fetch`` is
    what ``QuerySet.iterator()`` uses: a server-side cursor on PostgreSQL, ``fetchmany`` on SQLite.
    """
    now = now or timezone.now()
    queryset = completion_rows(completions, academy, filters, now).values_list(*FIELDS)
    query = queryset.query
    selected = getattr(query, "selected", None)  # Django 5.2: the SELECT follows values_list's order
    names = list(selected) if selected else [*query.extra_select, *query.values_select, *query.annotation_select]
    index = [names.index(field) for field in FIELDS]
    identity = index == list(range(len(FIELDS)))
    compiler = query.get_compiler(using=queryset.db)
    now_naive = now.astimezone(datetime.UTC).replace(tzinfo=None)
    now_text = now_naive.strftime("%Y-%m-%d %H:%M:%S.%f")
    for chunk in compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=CHUNK_SIZE):
        for raw in chunk:
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
                done,
                score,
                hours,
                expires,
                code,
            ) = raw if identity else [raw[i] for i in index]
            status = "valid"
            if expires is not None:
                limit = now_text if isinstance(expires, str) else (now_naive if expires.tzinfo is None else now)
                status = "expired" if expires <= limit else "valid"
            yield (
                _uuid(uid),
                user_id,
                email,
                name,
                unit or "",
                rank or "",
                course_id,
                title,
                language,
                cycle,
                _iso(done),
                None if score is None else f"{score:.2f}",
                f"{hours:.1f}",
                _iso(expires),
                status,
                code or "",
            )


def csv_chunks(rows):
    """Encoded CSV, a chunk per thousand rows: for StreamingHttpResponse and files alike."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    rows = iter(rows)
    while True:
        batch = list(itertools.islice(rows, 1000))
        if not batch:
            break
        writer.writerows(map(_safe, batch))
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


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
        sheet.append(_safe(row))
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
