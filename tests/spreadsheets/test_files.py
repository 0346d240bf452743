"""Bad files are refused as a whole, quickly, with a Chinese message; and the shell command."""

import io
import time
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beneficiaries.models import Beneficiary
from spreadsheets import files
from spreadsheets.files import FileRejected, check_file

from .helpers import run, write_csv, write_xlsx
from .test_rejections import B_HEADERS, bad_checksum, person

pytestmark = pytest.mark.django_db


def refused(path, name="beneficiaries"):
    with pytest.raises(FileRejected) as info:
        run(name, path, dry_run=True)
    return str(info.value)


def test_over_10_mb(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a," * (5 * 1024 * 1024 + 10))
    assert "超过 10 MB" in refused(path)


def test_not_a_spreadsheet(tmp_path):
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "不是 xlsx 或 csv 文件" in refused(path)
    zipped = tmp_path / "other.xlsx"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "不是 xlsx 或 csv 文件" in refused(zipped)
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert "另存为 .xlsx" in refused(old)


def test_zip_bomb_is_refused_from_the_directory(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (120 * 1024 * 1024) + b"/>")
    assert path.stat().st_size < 1024 * 1024
    started = time.monotonic()
    assert "压缩炸弹" in refused(path)
    assert time.monotonic() - started < 1


def test_high_ratio_part_is_refused(tmp_path):
    path = tmp_path / "ratio.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/sharedStrings.xml", b" " * (50 * 1024 * 1024))
    assert "压缩" in refused(path)


def test_xml_entities_are_refused(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", B_HEADERS, [])
    bad = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                data = (
                    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>' + data.split(b"?>", 1)[-1]
                )
            target.writestr(info, data)
    assert "XML 实体" in refused(bad)


def test_empty_sheet_and_header_only(tmp_path):
    assert "工作表为空" in refused(write_xlsx(tmp_path / "empty.xlsx", [], []))
    assert "没有数据行" in refused(write_xlsx(tmp_path / "header.xlsx", B_HEADERS, []))
    empty_csv = tmp_path / "empty.csv"
    empty_csv.write_bytes(b"")
    assert "文件是空的" in refused(empty_csv)


def test_header_that_does_not_match_names_the_columns(tmp_path):
    headers = [h for h in B_HEADERS if h != "身份证号"] + ["备用字段"]
    message = refused(write_xlsx(tmp_path / "h.xlsx", headers, [["x"] * len(headers)]))
    assert "缺少必需的列：身份证号" in message and "无法识别的列：备用字段" in message


def test_csv_in_gbk_and_utf8(org_a, tmp_path):
    for encoding in ("gb18030", "utf-8-sig"):
        path = write_csv(tmp_path / f"{encoding}.csv", B_HEADERS, [person(1, org_a)], encoding=encoding)
        result = run("beneficiaries", path, dry_run=True)
        assert result.new == 1, result.errors


def test_check_file_knows_the_kinds(tmp_path, org_a):
    assert check_file(write_xlsx(tmp_path / "a.xlsx", B_HEADERS, [])) == "xlsx"
    assert check_file(write_csv(tmp_path / "a.csv", B_HEADERS, [])) == "csv"
    assert files.MAX_UPLOAD_BYTES == 10 * 1024 * 1024


# --- manage.py import_xlsx ---------------------------------------------------------------------


def test_command_imports_and_reports(org_a, tmp_path):
    path = write_xlsx(tmp_path / "b.xlsx", B_HEADERS, [person(1, org_a), person(2, org_a)])
    out = io.StringIO()
    call_command("import_xlsx", "服务对象", str(path), "--dry-run", stdout=out)
    assert "新增 2" in out.getvalue() and Beneficiary.objects.count() == 0
    call_command("import_xlsx", "beneficiaries", str(path), stdout=out)
    assert Beneficiary.objects.count() == 2


def test_command_exits_non_zero_on_a_rejected_row(org_a, tmp_path):
    path = write_xlsx(tmp_path / "b.xlsx", B_HEADERS, [person(1, org_a), person(2, org_a, 身份证号=bad_checksum())])
    out = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("import_xlsx", "beneficiaries", str(path), stdout=out)
    assert info.value.returncode == 1
    assert "第3行 [身份证号] 身份证号校验位不正确" in out.getvalue()
    assert Beneficiary.objects.count() == 0


def test_command_exit_status_from_the_shell(tmp_path):
    import os
    import subprocess
    import sys

    path = tmp_path / "x.csv"
    path.write_text("foo,bar\n1,2\n", encoding="utf-8")
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    proc = subprocess.run(
        [sys.executable, "manage.py", "import_xlsx", "visits", str(path), "--dry-run"],
        capture_output=True,
        text=True,
        env=env,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    assert proc.returncode == 1
    assert "无法识别的列：foo、bar" in proc.stderr
