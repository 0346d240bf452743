"""The PDF: the dataset's figures in its text, an embedded CJK font, a page that is not blank,
and a URL fetcher that loads nothing but the portal's static files."""

import re
import subprocess

import pytest
from PIL import Image
from weasyprint import HTML

from core.formatting import figure, signed
from reports.files import report_path
from reports.models import MonthlyReport
from reports.pdf import BASE_URL, RefusedURL, StaticOnlyFetcher, html_to_pdf, static_response
from reports.presentation import figure_rows
from reports.services import request_report
from reports.statistics import Scope, compute

from .conftest import MARCH, ORG_A, ORG_B


def squash(text):
    return re.sub(r"\s+", "", text)


@pytest.fixture
def district_pdf(dataset, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = request_report(month=MARCH, scope=Scope.district(), user=staff)
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.DONE, report.error
    return report_path(report)


def pdftotext(path):
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


@pytest.mark.programs("pdftotext")
def test_every_headline_figure_is_in_the_pdf_text(district_pdf, dataset):
    text = pdftotext(district_pdf)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for row in figure_rows(compute(MARCH, Scope.district())):
        kind = row["kind"]
        ytd = figure(row["ytd"], kind) + (" 人·月" if row["person_months"] else "")
        expected = (
            f"{row['label']} {figure(row['month'], kind)} {figure(row['prev'], kind)} "
            f"{signed(row['change'], kind)} {ytd}"
        )
        assert expected in lines, f"no line {expected!r}"
    # A few of them by hand, as a reader checks them.
    assert "走访（次） 7 2 +5 11" in lines
    assert "项目资金（元） 62,000.50 58,000.00 +4,000.50 70,000.50" in lines
    # Year-to-date key-care figures are person-months, and say so.
    assert "重点关爱对象 3 2 +1 6 人·月" in lines
    assert "重点关爱覆盖率 33.3% 50.0% -16.7个百分点 50.0%" in lines
    assert "调解成功率 50.0% 0.0% +50.0个百分点 33.3%" in lines


@pytest.mark.programs("pdftotext")
def test_pdf_has_cover_tables_and_page_numbers(district_pdf):
    text = squash(pdftotext(district_pdf))
    assert "奉化区" in text and "2026年3月女性社会组织工作月报" in text
    # by town: 锦屏街道 month/ytd pairs; by organization: A's name as text, markup escaped
    assert "锦屏街道23/36/9100.0%/66.7%" in text
    assert squash(ORG_A) in text and ORG_B in text
    pages = int(re.search(r"共(\d+)页", text).group(1))
    assert pages >= 3
    assert f"第2页/共{pages}页" in text and f"第{pages}页/共{pages}页" in text
    # No personal data: no beneficiary names, ID numbers or case narratives.
    assert "王秀英" not in text and "330283" not in text and "赡养义务" not in text


@pytest.mark.programs("pdffonts")
def test_pdf_embeds_a_cjk_font(district_pdf):
    fonts = subprocess.run(["pdffonts", str(district_pdf)], check=True, capture_output=True, text=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk, fonts
    assert all(line.split()[-5] == "yes" for line in cjk), fonts  # the "emb" column


@pytest.mark.programs("pdftoppm")
def test_first_pages_are_not_blank(district_pdf, tmp_path):
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "2", str(district_pdf), str(tmp_path / "page")], check=True
    )
    for png in sorted(tmp_path.glob("page-*.png")):
        image = Image.open(png).convert("L")
        dark = sum(image.histogram()[:200])
        assert dark > 500, f"{png.name} looks blank ({dark} dark pixels)"


# --- the URL fetcher --------------------------------------------------------------------------


def test_fetcher_serves_the_portals_static_files():
    response = static_response(BASE_URL + "static/css/reports.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/static/css/reports.css",  # another host
        "http://portal.invalid/static/css/reports.css",  # another scheme
        "file:///etc/passwd",
        "file:///work/main/static/css/reports.css",
        "data:text/css,body{color:red}",
        "ftp://portal.invalid/static/css/reports.css",
        BASE_URL + "media/secret.pdf",  # not a static file
        BASE_URL + "static/../fenghua_portal/settings.py",  # traversal
        BASE_URL + "static/%2e%2e/fenghua_portal/settings.py",
        BASE_URL + "static/css/../../db.sqlite3",
        BASE_URL + "static/css/no-such-file.css",
        BASE_URL + "static//etc/passwd",
    ],
)
def test_fetcher_refuses_everything_else(url):
    with pytest.raises(RefusedURL):
        StaticOnlyFetcher().fetch(url)


def test_a_document_naming_a_foreign_url_fails_instead_of_fetching_it(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    for src in ["https://example.com/logo.png", secret.as_uri(), "http://127.0.0.1:9/redirect"]:
        html = f'<html><body><p>x</p><img src="{src}"></body></html>'
        with pytest.raises(BaseException) as info:
            HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
        assert isinstance(info.value.__cause__, RefusedURL), src


def test_own_static_files_load_in_a_document():
    html = '<html><head><link rel="stylesheet" href="/static/css/reports.css"></head><body class="pdf"><p>兰馨</p></body></html>'
    assert html_to_pdf(html).startswith(b"%PDF")
