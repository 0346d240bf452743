"""Writing sheets: exports (xlsx and csv, streamed) and the rejected-rows sheet (templates:
``template_sheet``).

Every text cell that a spreadsheet program would take for a formula (= + - @, tab, CR at the
start) gets an apostrophe in front; the importer removes it again, so a round trip keeps the
value.  Exports stream: rows come from the database in chunks (``iterator``), csv goes out as
it is produced, and xlsx is written by a write-only workbook to a temporary file."""

import csv
import datetime
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from core.formatting import XLSX_DATE, XLSX_MOMENT, XLSX_YUAN

from .resources.base import FORMULA_PREFIXES

EXPORT_CHUNK = 1000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REASON_HEADER = "错误原因"


def escape_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_rows(resource, queryset):
    """The header, then one list of cells per record."""
    yield resource.get_export_headers()
    columns = resource.columns
    for obj in queryset.iterator(chunk_size=EXPORT_CHUNK):
        yield [escape_cell(column.export_value(obj)) for column in columns]


class _Echo:
    def write(self, value):
        return value


def csv_stream(rows):
    """Encoded CSV lines (UTF-8 with a BOM so that Excel reads the Chinese)."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    for row in rows:
        yield writer.writerow([_csv_text(cell) for cell in row]).encode()


def _csv_text(value):
    if value is None:
        return ""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def xlsx_file(rows, title="数据"):
    """Writes rows with a write-only workbook to a temporary file (deleted on close) and
    returns it opened at the start."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle


def _xlsx_cell(sheet, value):
    """Amounts and dates stay numbers and dates, shown in the portal's formats (core.formatting):
    ``62,000.50``, ``2026-11-30``."""
    if isinstance(value, Decimal):
        fmt = XLSX_YUAN
    elif isinstance(value, datetime.datetime):
        fmt = XLSX_MOMENT
    elif isinstance(value, datetime.date):
        fmt = XLSX_DATE
    else:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = fmt
    return cell


class RejectedRowsWriter:
    """Collects rejected rows (as uploaded) with a 错误原因 column into a write-only xlsx."""

    def __init__(self, path: Path, headers: Sequence[str]) -> None:
        self.path = path
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(title="未导入的行")
        self.sheet.append(["行号"] + [escape_cell(h) for h in headers] + [REASON_HEADER])
        self.width = len(headers)
        self.count = 0

    def __call__(self, number: int, row: Sequence[Any], errors: Iterable[tuple[str, str]]) -> None:
        cells = list(row[: self.width]) + [None] * (self.width - len(row))
        reasons = "；".join(f"{header}：{reason}" for header, reason in errors)
        self.sheet.append([number] + [escape_cell(cell) for cell in cells] + [reasons])
        self.count += 1

    def close(self) -> int:
        self.workbook.save(self.path)
        return self.count

    def discard(self) -> None:
        """Drops the sheet (the file was refused as a whole): written, so that openpyxl's
        temporary file goes, then deleted."""
        self.close()
        self.path.unlink(missing_ok=True)
