"""Reading uploaded tables (CSV, XLSX) within limits, before any of it is trusted.

An uploaded table is refused whole, with a translated message naming the line at fault, when it
exceeds any of its ``TableLimits``: bytes on the wire, rows (blank rows count: a sheet of 2.4
million empty rows is 2.4 million rows), columns, cells, the length of one cell, and for XLSX the
unpacked size of the zip members, read from the zip's directory before a byte of XML is parsed
(``zipfile`` itself never returns more than an entry declares). Rows are read one at a time and
counted as they come, so a refusal costs no more than the limit.
"""

import csv
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core import archives


@dataclass(frozen=True)
class TableLimits:
    max_bytes: int = 2 * 1024 * 1024
    max_rows: int = 5000  # data rows after the header; blank rows count
    max_columns: int = 20
    max_cells: int = 60_000  # rows x columns actually present
    max_cell_chars: int = 1000
    max_unpacked_bytes: int = 10 * 1024 * 1024  # XLSX: all zip members together, unpacked
    max_ratio: int = 100  # XLSX: unpacked / packed, per member


class TableError(ValueError):
    """The whole file is refused; the message is translated and says why (and where)."""


def read_rows(upload, limits=TableLimits()):
    """The header and data rows of an uploaded ``.csv`` or ``.xlsx`` as lists of stripped strings.

    Blank rows are kept (as empty lists) so that line numbers match what the user sees. Raises ``TableError``.
    """
    if upload.size > limits.max_bytes:
        raise TableError(_("The file is too large (at most %(size)s MB).") % {"size": _megabytes(limits.max_bytes)})
    name = (upload.name or "").lower()
    if hasattr(upload, "seek"):
        upload.seek(0)
    if name.endswith(".csv"):
        rows = _csv_rows(upload, limits)
    elif name.endswith(".xlsx"):
        rows = _xlsx_rows(upload, limits)
    else:
        raise TableError(_("Upload a CSV or XLSX file."))
    return _bounded(rows, limits)


def _megabytes(size):
    return f"{size / (1024 * 1024):g}"


def _bounded(rows, limits):
    """Count rows, columns and cells as they are read; stop at the first limit exceeded."""
    table, cells = [], 0
    for line, values in enumerate(rows, start=1):
        if line > limits.max_rows + 1:
            raise TableError(
                _("Too many rows: at most %(count)s below the header (empty rows count too).")
                % {"count": limits.max_rows}
            )
        if len(values) > limits.max_columns:
            raise TableError(
                _("Line %(line)s has %(count)s columns; at most %(limit)s are allowed.")
                % {"line": line, "count": len(values), "limit": limits.max_columns}
            )
        values = ["" if value is None else str(value).strip() for value in values]
        if any(len(value) > limits.max_cell_chars for value in values):
            raise TableError(
                _("Line %(line)s has a value longer than %(limit)s characters.")
                % {"line": line, "limit": limits.max_cell_chars}
            )
        while values and not values[-1]:
            values.pop()
        cells += len(values)
        if cells > limits.max_cells:
            raise TableError(_("The file has too many cells (at most %(count)s).") % {"count": limits.max_cells})
        table.append(values)
    if not table:
        raise TableError(_("The file is empty."))
    return table


def _csv_rows(upload, limits):
    try:
        text = upload.read(limits.max_bytes + 1).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(_("The CSV file is not UTF-8 text.")) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        yield from reader
    except csv.Error:
        raise TableError(_("The CSV file could not be read (line %(line)s).") % {"line": reader.line_num}) from None


def _check_zip_members(upload, limits):
    """Refuse an XLSX whose members unpack beyond the limits, from the zip's directory alone."""
    try:
        archive = archives.open_zip(archives.open_source(upload))
    except archives.ArchiveError:
        raise TableError(_("The XLSX file could not be read.")) from None
    with archive:
        infos = archive.infolist()
        seen = set()
        for info in infos:
            if archives.entry_problem(info, seen):
                raise TableError(_("The XLSX file could not be read."))
            if archives.size_problem(info, max_file_bytes=limits.max_unpacked_bytes, max_ratio=limits.max_ratio):
                raise TableError(_bomb_message(limits))
        if sum(info.file_size for info in infos) > limits.max_unpacked_bytes:
            raise TableError(_bomb_message(limits))


def _bomb_message(limits):
    return _(
        "The XLSX file unpacks to more than %(size)s MB: it holds far more than a list of officers "
        "(perhaps a great many empty rows). Copy the rows you need into a new file."
    ) % {"size": _megabytes(limits.max_unpacked_bytes)}


def _xlsx_rows(upload, limits):
    """Rows of the first sheet, with the gaps a sheet may leave (missing rows) given as blank rows."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser  # openpyxl 3.1 (pinned): rows as parsed

    _check_zip_members(upload, limits)
    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same answer to the user
        raise TableError(_("The XLSX file could not be read.")) from None
    try:
        # The sheet's rows one by one, as the XML has them: openpyxl's own iterator would first pad
        # every row to the widest column the sheet declares (16,384 cells a row, for a hostile file).
        with workbook._archive.open(sheet._worksheet_path) as source:
            parser = WorkSheetParser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            expected = 1
            for index, cells in parser.parse():
                while expected < index:  # rows the file skips are blank rows
                    yield []
                    expected += 1
                    if expected > limits.max_rows + 2:
                        return
                widest = max((cell["column"] for cell in cells), default=0)
                if widest > limits.max_columns:
                    yield [None] * widest  # reported by _bounded with its line number
                    return
                values = [None] * widest
                for cell in cells:
                    values[cell["column"] - 1] = cell["value"]
                yield values
                expected = index + 1
    except TableError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, TypeError, SyntaxError):
        raise TableError(_("The XLSX file could not be read.")) from None
    finally:
        workbook.close()
