"""Bounded table uploads (core.spreadsheets) and the officer import that relies on them: bytes, rows
(blank rows count), columns, cells, cell length and, for XLSX, the unpacked size of the zip members,
checked before any XML is parsed. The XLSX bomb of the security review is built here, byte by byte."""

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from core import spreadsheets
from core.spreadsheets import TableError, TableLimits, read_rows

HEADER = "name,email,unit,language,courses"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Officers" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        "</Relationships>"
    ),
}
SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = "</sheetData></worksheet>"


def inline_row(number, values):
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{value}</t></is></c>' for i, value in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def handmade_xlsx(sheet_rows):
    """An XLSX written by hand (no openpyxl): the given ``<row>`` elements, streamed into the zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(SHEET_START.encode())
            chunk = []
            for row in sheet_rows:
                chunk.append(row)
                if len(chunk) == 10_000:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            sheet.write(("".join(chunk) + SHEET_END).encode())
    return SimpleUploadedFile("officers.xlsx", buffer.getvalue())


def xlsx_bomb(blank_rows=2_400_000):
    """The review's bomb: a header, one officer, then millions of blank rows, about 1.8 MB packed.

    Blank rows as spreadsheet programs write them: most with no number (the next row), some numbered.
    """
    rows = [inline_row(1, HEADER.split(",")), inline_row(2, ["A", "a@example.test", "U", "en", ""])]
    blanks = (f'<row r="{n}"/>' if n % 7 in (0, 4) else "<row/>" for n in range(3, blank_rows + 3))
    return handmade_xlsx([*rows, *blanks])


def test_the_xlsx_bomb_is_refused_from_the_zip_directory_before_parsing(monkeypatch):
    bomb = xlsx_bomb()
    assert 1.5 * 1024 * 1024 < bomb.size < 2 * 1024 * 1024  # as in the review: under the 2 MB upload limit
    with zipfile.ZipFile(io.BytesIO(bomb.read())) as archive:  # independent look at what it unpacks to
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 20 * 1024 * 1024
    bomb.seek(0)

    def no_parsing(*args, **kwargs):
        raise AssertionError("the workbook must be refused before openpyxl reads it")

    monkeypatch.setattr("openpyxl.load_workbook", no_parsing)
    started = time.perf_counter()
    with pytest.raises(TableError, match="unpacks to more than 10 MB"):
        read_rows(bomb)
    print(f"bomb refused in {time.perf_counter() - started:.3f} s")


def test_blank_rows_count_towards_the_row_limit_even_when_the_file_skips_them():
    # Small when unpacked, but its last row is number 2,400,002: the rows in between are blank rows.
    upload = handmade_xlsx([inline_row(1, HEADER.split(",")), inline_row(2_400_002, ["x"])])
    with pytest.raises(TableError, match=r"Too many rows: at most 5000 below the header \(empty rows count too\)"):
        read_rows(upload)
    blank_lines = handmade_xlsx([inline_row(1, ["a"]), *(f'<row r="{n}"/>' for n in range(2, 5003))])
    with pytest.raises(TableError, match="Too many rows"):
        read_rows(blank_lines)
    csv_blanks = SimpleUploadedFile("officers.csv", (HEADER + "\n" + "\n" * 5001).encode())
    with pytest.raises(TableError, match="Too many rows"):
        read_rows(csv_blanks)


def test_a_table_at_the_limits_is_read_whole_with_its_blank_rows():
    rows = [inline_row(1, HEADER.split(","))] + [inline_row(n, [f"o{n}", f"o{n}@x.test"]) for n in range(2, 5001)]
    rows.append('<row r="5001"/>')
    table = read_rows(handmade_xlsx(rows))
    assert len(table) == 5001 and table[0] == HEADER.split(",")
    assert table[1] == ["o2", "o2@x.test"] and table[-1] == []


def test_columns_cells_and_cell_length_are_bounded():
    wide = handmade_xlsx([inline_row(1, ["h"]), '<row r="2"><c r="XFD2" t="inlineStr"><is><t>far</t></is></c></row>'])
    with pytest.raises(TableError, match="Line 2 has 16384 columns; at most 20 are allowed."):
        read_rows(wide)
    csv_wide = SimpleUploadedFile("officers.csv", (HEADER + "\n" + ",".join(["x"] * 21) + "\n").encode())
    with pytest.raises(TableError, match="Line 2 has 21 columns"):
        read_rows(csv_wide)
    long_cell = SimpleUploadedFile("officers.csv", (HEADER + "\n" + "x" * 1001 + "\n").encode())
    with pytest.raises(TableError, match="Line 2 has a value longer than 1000 characters"):
        read_rows(long_cell)
    many = SimpleUploadedFile("officers.csv", ("\n".join([",".join(["x"] * 20)] * 200)).encode())
    with pytest.raises(TableError, match="too many cells"):
        read_rows(many, TableLimits(max_cells=3999))
    assert len(read_rows(many, TableLimits(max_cells=4000))) == 200


def test_a_member_compressed_suspiciously_well_is_refused():
    rows = [inline_row(1, ["h"])] + [
        '<row r="2"><c r="A2" t="inlineStr"><is><t>' + "a" * 3_000_000 + "</t></is></c></row>"
    ]
    with pytest.raises(TableError, match="unpacks to more than"):
        read_rows(handmade_xlsx(rows))


def test_a_workbook_written_by_a_spreadsheet_program_is_read():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["李伟", "li@example.test", "Cyber", "zh-hans", "police-basics"])
    sheet.append([])
    sheet.append(["Ana", "ana@example.test", 12, "es", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_rows(SimpleUploadedFile("officers.xlsx", buffer.getvalue()))
    assert table == [
        HEADER.split(","),
        ["李伟", "li@example.test", "Cyber", "zh-hans", "police-basics"],
        [],
        ["Ana", "ana@example.test", "12", "es"],
    ]
    assert load_workbook  # the same library writes what the reader reads


@pytest.mark.django_db
def test_the_officer_import_refuses_the_bomb_with_a_clear_message(client, django_user_model):
    from organisations.models import Academy, Membership, Role

    academy = Academy.objects.create(name="Academy", slug="academy")
    admin = django_user_model.objects.create_user("admin@example.test", "a-strong-pass-phrase")
    Membership.objects.create(academy=academy, user=admin, role=Role.ADMIN)
    client.force_login(admin)
    response = client.post(f"/en/academies/{academy.slug}/import/", {"file": xlsx_bomb()})
    assert response.status_code == 400
    assert "The XLSX file unpacks to more than 10 MB" in response.content.decode()
    assert spreadsheets.TableLimits().max_rows == 5000
