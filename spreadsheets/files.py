"""Reading uploaded sheets safely.

Every file is checked before a parser opens it: its size, what it really is (an xlsx is a zip
holding ``[Content_Types].xml``; anything else must be text, read as CSV), how far it expands
(the sizes in the zip directory, so a zip bomb is refused without inflating it) and whether an
XML part declares a DOCTYPE or entities (billion laughs, external entities).  openpyxl then
reads with ``read_only=True`` through its public API (rows streamed, memory bounded) and,
since defusedxml is installed, with defused parsers.  Rows are counted as they stream and
capped (``settings.IMPORT_MAX_ROWS``); the size a sheet states about itself is ignored."""

import codecs
import csv
import os
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_RATIO = 200  # a real sheet compresses 5-30 times
XML_SCAN_CHUNK = 64 * 1024


class FileRejected(Exception):
    """A file refused as a whole (not a row error)."""


def check_file(path: Path | str, size: int | None = None, *, scan_xml: bool = True) -> str:
    """Returns 'xlsx' or 'csv', or raises FileRejected with a Chinese reason.  Without
    ``scan_xml`` only what costs no inflating is checked (size, type, the zip directory): what
    an upload request does before it hands a large file to a task."""
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
        _check_xlsx(path, scan_xml)
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected(_("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再上传。"))
    _check_text(path)
    return "csv"


def _check_xlsx(path, scan_xml=True):
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
        if not scan_xml:
            return
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
    """The first worksheet of an xlsx, or a CSV file: ``headers`` (the first row with a value)
    and ``rows()`` yielding (row number as the sheet shows it, tuple of cell values).

    Nothing the file says about itself is trusted: an xlsx states its size in <dimension>
    (a faked "A1:K2" in front of 270,000 rows is easy to write), so the stated size is
    dropped and rows are counted while they stream; more than ``max_rows`` data rows (default
    ``settings.IMPORT_MAX_ROWS``) refuse the file as a whole, as soon as the count passes."""

    def __init__(self, path, kind, max_rows=None):
        self.path = path
        self.kind = kind
        self.max_rows = max_rows if max_rows is not None else settings.IMPORT_MAX_ROWS
        self.header_row = 0
        self.headers = []
        self.rows_read = 0  # data rows (with a value) read so far
        self._load_headers()

    def _iter_all(self):
        if self.kind == "xlsx":
            yield from _xlsx_rows(self.path)
            return
        with open(self.path, "rb") as handle:
            encoding = _encoding_of(handle.read(64 * 1024))
        with open(self.path, encoding=encoding, newline="") as handle:
            try:
                for number, row in enumerate(csv.reader(handle), start=1):
                    yield number, tuple(row)
            except (UnicodeDecodeError, csv.Error):
                raise FileRejected(_("CSV 文件无法读取，请检查编码（UTF-8 或 GBK）和格式。")) from None

    def _load_headers(self):
        # One pass over the file: the header is read from the same row stream that rows()
        # continues, so the sheet is opened and parsed once.
        self._stream = self._iter_all()
        for number, row in self._stream:
            if number > MAX_ROWS_BEFORE_HEADER:
                break
            if any(cell not in (None, "") and str(cell).strip() for cell in row):
                self.header_row = number
                self.headers = [("" if cell is None else str(cell)).strip() for cell in row]
                while self.headers and not self.headers[-1]:
                    self.headers.pop()
                break
        if not self.headers:
            self._stream.close()
            raise FileRejected(_("工作表为空：没有找到表头行。"))

    def close(self):
        self._stream.close()

    def rows(self):
        """Data rows after the header (once); rows with no value at all are skipped.  Raises
        FileRejected once the sheet passes ``max_rows`` data rows, or as many blank rows
        more (a sheet of empty rows costs as much to read)."""
        limit = self.max_rows
        for number, row in self._stream:
            if number - self.header_row > limit + MAX_BLANK_ROWS:
                raise self.too_many_rows()
            if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row):
                continue
            self.rows_read += 1
            if self.rows_read > limit:
                raise self.too_many_rows()
            yield number, row

    def too_many_rows(self):
        return FileRejected(
            _("工作表超过 %(max)s 行数据（导入上限），全部未导入；请拆分成每份不超过 %(max)s 行后分批导入。")
            % {"max": f"{self.max_rows:,}"}
        )


# Rows above the header (a title, notes) and blank rows among the data that a sheet may have.
MAX_ROWS_BEFORE_HEADER = 50
MAX_BLANK_ROWS = 10_000


def _xlsx_rows(path):
    """(row number, tuple of values) of the first worksheet, streamed by openpyxl's public
    read-only API (``iter_rows(values_only=True)``, defused XML parsers since defusedxml is
    installed).  ``reset_dimensions()`` drops the size the file states, so that rows are
    read until the sheet really ends; rows missing from the file come as empty tuples, so the
    count keeps the row numbers the user sees."""
    import openpyxl

    # A file object, not the path: stored uploads have no extension for openpyxl to check.
    with open(path, "rb") as handle:
        try:
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
        except Exception:
            raise FileRejected(_("文件已损坏，无法作为 xlsx 打开。")) from None
        try:
            sheet.reset_dimensions()
            yield from enumerate(sheet.iter_rows(values_only=True), start=1)
        except FileRejected:
            raise
        except Exception:
            raise FileRejected(_("文件已损坏，读取工作表失败。")) from None
        finally:
            workbook.close()


def uncompressed_size(path: Path | str, kind: str) -> int:
    """How much there is to parse, from the zip directory (checked by ``check_file``: a
    part that inflates past its stated size is refused) or the CSV's size: decides whether a
    preview may run inside a request.  Never read from the sheet itself."""
    if kind == "csv":
        return os.path.getsize(path)
    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist())


def open_sheet(path, max_rows=None):
    return Sheet(path, check_file(path), max_rows=max_rows)


def read_upload_to(uploaded: "UploadedFile[bytes]", destination: Path | str) -> int:
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


__all__ = ["FileRejected", "Sheet", "check_file", "open_sheet", "read_upload_to", "uncompressed_size"]
