"""The PDF at scale: the body keeps to its page budget however many organizations there are,
and the appendix still gives every organization's figures (issue 17)."""

import re
import subprocess

import pytest

from core import formatting
from organizations.models import Organization
from reports.files import report_path
from reports.models import MonthlyReport
from reports.services import request_report
from reports.statistics import Scope, compute
from tests.factories import OrganizationFactory, town

from .conftest import MARCH

BODY_PAGES = 8  # cover, headline table, charts, sections, by town, top organizations


def pdf_pages(path):
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")


def build(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = request_report(month=MARCH, scope=Scope.district(), user=staff)
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.DONE, report.error
    return pdf_pages(report_path(report))


@pytest.mark.programs("pdftotext")
@pytest.mark.parametrize("extra", [0, 150])
def test_the_body_keeps_its_page_budget_and_the_appendix_has_every_organization(
    dataset, staff, django_capture_on_commit_callbacks, extra
):
    towns = [town("溪口镇"), town("松岙镇"), town("大堰镇")]
    Organization.objects.bulk_create(
        [OrganizationFactory.build(name=f"测试组织{i:04d}号巾帼志愿服务队", town=towns[i % 3]) for i in range(extra)]
    )
    pages = build(staff, django_capture_on_commit_callbacks)
    appendix = [i for i, page in enumerate(pages) if "附录：分组织情况" in page]
    stats = compute(MARCH, Scope.district())
    organizations = stats["by_organization"]
    if len(organizations) <= 10:
        assert not appendix  # few organizations: all in the body's table
        return
    body = appendix[0]
    assert body <= BODY_PAGES, f"the body takes {body} pages"
    text = "\n".join(pages[body:])
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for row in organizations:
        figures = " ".join(
            [
                formatting.count(row["beneficiaries_served"]),
                formatting.count(row["visits"]),
                formatting.percent(row["key_care_coverage"]),
                formatting.count(row["training_person_times"]),
                formatting.count(row["cases_received"]),
                formatting.count(row["cases_resolved"]),
                formatting.yuan(row["project_funds"]),
            ]
        )
        name = " ".join(row["organization"].split())
        assert f"{name} {figures}" in lines or (name in lines and figures in lines), row["organization"]
    assert len(re.findall(r"测试组织\d{4}号", text)) == extra


@pytest.mark.programs("pdftotext")
def test_a_name_wider_than_its_column_is_kept_whole(dataset, staff, django_capture_on_commit_callbacks):
    long_name = "奉化区锦屏街道南门社区巾帼志愿服务队暨妇女微家联合工作室"
    OrganizationFactory(name=long_name, town=town("锦屏街道"))
    Organization.objects.bulk_create(
        [OrganizationFactory.build(name=f"测试组织{i:04d}", town=town("溪口镇")) for i in range(12)]
    )
    text = "\n".join(build(staff, django_capture_on_commit_callbacks))
    assert long_name in text.replace(" ", "")


@pytest.mark.programs("pdffonts")
def test_the_pdf_embeds_one_weight_of_each_face(dataset, staff, django_capture_on_commit_callbacks):
    """Every face WeasyPrint embeds costs about 40 MB while it subsets the CJK font: the body's
    regular face and the appendix's monospaced one, no bold (the 300 MB budget)."""
    with django_capture_on_commit_callbacks(execute=True):
        report = request_report(month=MARCH, scope=Scope.district(), user=staff)
    report.refresh_from_db()
    fonts = subprocess.run(["pdffonts", str(report_path(report))], check=True, capture_output=True, text=True).stdout
    faces = {line.split()[0].split("+", 1)[1] for line in fonts.splitlines()[2:] if line.strip()}
    assert faces <= {"Noto-Sans-CJK-SC", "Noto-Sans-Mono-CJK-SC"}, faces
