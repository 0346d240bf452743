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


def write_xlsx_with_false_dimension(path, headers, row_cells, count, dimension="A1:K2"):
    """An xlsx whose worksheet claims ``dimension`` but holds ``count`` data rows after the
    header (``row_cells(n)`` gives the cells of row n): what a tool, or an attacker, can
    write.  The rows are generated straight into the XML, so 270,000 of them take seconds."""
    import zipfile
    from xml.sax.saxutils import escape

    template = path.with_suffix(".template.xlsx")
    write_xlsx(template, headers, [])

    def cells(number, values):
        out = []
        for index, value in enumerate(values):
            ref = f"{chr(ord('A') + index)}{number}"
            if isinstance(value, int):
                out.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
        return f'<row r="{number}">{"".join(out)}</row>'

    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, data)
                continue
            text = data.decode()
            head, rest = text.split("<sheetData>", 1)
            _, tail = rest.split("</sheetData>", 1)
            if "<dimension" in head:
                import re

                head = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>', head)
            else:
                head = head.replace("<sheetViews>", f'<dimension ref="{dimension}"/><sheetViews>', 1)
            with target.open("xl/worksheets/sheet1.xml", "w") as out:
                out.write(head.encode() + b"<sheetData>")
                out.write(cells(1, headers).encode())
                batch = []
                for n in range(2, count + 2):
                    batch.append(cells(n, row_cells(n)))
                    if len(batch) == 5000:
                        out.write("".join(batch).encode())
                        batch = []
                out.write("".join(batch).encode())
                out.write(b"</sheetData>" + tail.encode())
    template.unlink()
    return path
