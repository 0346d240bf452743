"""Reading uploaded sheets safely.

Every file is checked before a parser opens it: its size, what it really is (an xlsx is a zip
holding ``[Content_Types].xml``; anything else must be text, read as CSV), how far it expands
(the sizes in the zip directory, so a zip bomb is refused without inflating it) and whether an
XML part declares a DOCTYPE or entities (billion laughs, external entities).  openpyxl then
reads with ``read_only=True`` (rows streamed, memory bounded) and, since defusedxml is
installed, with defused parsers."""

import codecs
import csv
import zipfile

from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_RATIO = 200  # a real sheet compresses 5-30 times
XML_SCAN_CHUNK = 64 * 1024


class FileRejected(Exception):
    """A file refused as a whole (not a row error)."""


def check_file(path, size=None):
    """Returns 'xlsx' or 'csv', or raises FileRejected with a Chinese reason."""
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        size = handle.tell() if size is None else size
        handle.seek(0)
        head = handle.read(8)
    if size > MAX_UPLOAD_BYTES:
        raise FileRejected(_("文件超过 10 MB，请拆分后分批导入。"))
    if size == 0:
        raise FileRejected(_("文件是空的。"))
    if head.startswith(b"PK\x03\x04"):
        _check_xlsx(path)
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected(_("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再上传。"))
    _check_text(path)
    return "csv"


def _check_xlsx(path):
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise FileRejected(_("文件已损坏，无法作为 xlsx 打开。")) from None
    with archive:
        members = archive.infolist()
        names = {info.filename for info in members}
        if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
            raise FileRejected(_("不是 xlsx 或 csv 文件，请上传 Excel（.xlsx）或 CSV 文件。"))
        if len(members) > MAX_MEMBERS:
            raise FileRejected(_("xlsx 文件结构异常（包含的部件过多），已拒绝。"))
        total = sum(info.file_size for info in members)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise FileRejected(_("xlsx 文件解压后超过 100 MB（疑似压缩炸弹），已拒绝。"))
        for info in members:
            if info.compress_size and info.file_size > 1024 * 1024 and info.file_size / info.compress_size > MAX_RATIO:
                raise FileRejected(_("xlsx 文件压缩比异常（疑似压缩炸弹），已拒绝。"))
        for info in members:
            if info.filename.endswith((".xml", ".rels", ".vml")):
                _check_xml_part(archive, info)


def _check_xml_part(archive, info):
    """Refuses DOCTYPE and ENTITY declarations anywhere in the part, reading it in chunks (the
    expanded size is already bounded) and never building a tree."""
    tail = b""
    read = 0
    with archive.open(info) as part:
        while True:
            chunk = part.read(XML_SCAN_CHUNK)
            if not chunk:
                return
            read += len(chunk)
            if read > info.file_size + XML_SCAN_CHUNK:
                raise FileRejected(_("xlsx 文件结构异常，已拒绝。"))
            window = (tail + chunk).upper()
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise FileRejected(_("xlsx 文件含有不允许的 XML 实体声明，已拒绝。"))
            tail = chunk[-16:]


def _check_text(path):
    with open(path, "rb") as handle:
        sample = handle.read(64 * 1024)
    if b"\x00" in sample:
        raise FileRejected(_("不是 xlsx 或 csv 文件，请上传 Excel（.xlsx）或 CSV 文件。"))
    if _encoding_of(sample) is None:
        raise FileRejected(_("CSV 文件的编码无法识别，请保存为 UTF-8 或 GBK 编码。"))


def _encoding_of(sample):
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            decoder.decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


class Sheet:
    """The first worksheet of an xlsx, or a CSV file: ``headers`` and ``rows()`` yielding
    (row number as the sheet shows it, tuple of cell values)."""

    def __init__(self, path, kind):
        self.path = path
        self.kind = kind
        self.header_row = 0
        self.headers = []
        self.total = None  # data rows, when the file says (xlsx dimension) or counted (csv)
        self._workbook = None
        self._load_headers()

    def _iter_all(self):
        if self.kind == "xlsx":
            import openpyxl

            # A file object, not the path: stored uploads have no extension for openpyxl to check.
            handle = open(self.path, "rb")
            try:
                self._workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
                sheet = self._workbook.worksheets[0]
            except Exception:
                handle.close()
                raise FileRejected(_("文件已损坏，无法作为 xlsx 打开。")) from None
            if self.total is None:
                # The read-only sheet knows its part in the zip only privately (no public name).
                self.total = sheet.max_row or _count_rows(self.path, sheet._worksheet_path)  # type: ignore[attr-defined]
            try:
                yield from _xlsx_rows(self._workbook, sheet)
            except FileRejected:
                raise
            except Exception:
                raise FileRejected(_("文件已损坏，读取工作表失败。")) from None
            finally:
                self._workbook.close()
                handle.close()
        else:
            with open(self.path, "rb") as handle:
                encoding = _encoding_of(handle.read(64 * 1024))
            with open(self.path, encoding=encoding, newline="") as text:
                try:
                    for number, row in enumerate(csv.reader(text), start=1):
                        yield number, tuple(row)
                except (UnicodeDecodeError, csv.Error):
                    raise FileRejected(_("CSV 文件无法读取，请检查编码（UTF-8 或 GBK）和格式。")) from None

    def _load_headers(self):
        # One pass over the file: the header is read from the same row stream that rows()
        # continues, so the sheet is opened and parsed once.
        self._stream = self._iter_all()
        for number, row in self._stream:
            if any(cell not in (None, "") and str(cell).strip() for cell in row):
                self.header_row = number
                self.headers = [("" if cell is None else str(cell)).strip() for cell in row]
                while self.headers and not self.headers[-1]:
                    self.headers.pop()
                break
        if not self.headers:
            self._stream.close()
            raise FileRejected(_("工作表为空：没有找到表头行。"))
        if self.kind == "xlsx" and self.total is not None:
            self.total = max(0, self.total - self.header_row)
        elif self.kind == "csv":
            with open(self.path, "rb") as handle:
                self.total = max(0, sum(1 for _ in handle) - self.header_row)

    def close(self):
        self._stream.close()

    def rows(self):
        """Data rows after the header (once); rows with no value at all are skipped."""
        for number, row in self._stream:
            if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row):
                continue
            yield number, row


def _xlsx_rows(workbook, sheet):
    """(row number, tuple of values) of a read-only worksheet, as ``iter_rows(values_only=True)``
    gives them, except that each parsed <row> is detached from <sheetData>: openpyxl only
    empties them, which keeps ~80 bytes a row alive until the end of the sheet."""
    from openpyxl.worksheet._reader import ROW_TAG, WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse  # defusedxml's when installed

    sheet_data = f"{{{SHEET_MAIN_NS}}}sheetData"
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        parent = None
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                if element.tag == sheet_data:
                    parent = element
                continue
            if element.tag != ROW_TAG:
                continue
            number, cells = parser.parse_row(element)
            if parent is not None:
                parent.remove(element)
            width = max((cell["column"] for cell in cells), default=0)
            values = [None] * width
            for cell in cells:
                values[cell["column"] - 1] = cell["value"]
            yield number, tuple(values)


def _count_rows(path, part):
    """Rows of a worksheet that does not state its size (files written by write-only tools):
    counts its <row> elements without parsing the XML."""
    count, tail = 0, b""
    with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
        while chunk := stream.read(XML_SCAN_CHUNK):
            window = tail + chunk
            count += window.count(b"<row ") + window.count(b"<row>") - tail.count(b"<row ") - tail.count(b"<row>")
            tail = chunk[-5:]
    return count


def open_sheet(path):
    return Sheet(path, check_file(path))


def read_upload_to(uploaded, destination):
    """Copies an UploadedFile to ``destination``, refusing it as soon as it passes the limit."""
    if uploaded.size is not None and uploaded.size > MAX_UPLOAD_BYTES:
        raise FileRejected(_("文件超过 10 MB，请拆分后分批导入。"))
    written = 0
    with open(destination, "wb") as out:
        for chunk in uploaded.chunks():
            written += len(chunk)
            if written > MAX_UPLOAD_BYTES:
                raise FileRejected(_("文件超过 10 MB，请拆分后分批导入。"))
            out.write(chunk)
    return written


__all__ = ["FileRejected", "Sheet", "check_file", "open_sheet", "read_upload_to"]
