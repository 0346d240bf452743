import csv
import io

from openpyxl import Workbook, load_workbook

from spreadsheets.importer import import_sheet
from spreadsheets.resources import get_resource


def write_xlsx(path, headers, rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("数据")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path, headers, rows, encoding="utf-8-sig"):
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def run(name, path, user=None, dry_run=False):
    return import_sheet(get_resource(name), path, user=user, dry_run=dry_run)


def sheet_rows(content):
    """Rows of an xlsx response body."""
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def streamed(response):
    return b"".join(response.streaming_content)
