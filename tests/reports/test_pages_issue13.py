"""What issue 13 found on the dashboard and the PDF page, checked as a user reads them."""

import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from reports.models import MonthlyReport
from reports.services import request_report
from reports.statistics import Scope
from tests.factories import OrganizationFactory, town

from .conftest import MARCH, ORG_A


def dashboard_html(client):
    response = client.get(reverse("reports:dashboard"), {"month": "2026-03"})
    assert response.status_code == 200
    return response.content.decode()


def table_after(html, heading):
    section = html.split(heading, 1)[1]
    return section[: section.index("</table>")]


def test_the_organization_table_has_no_always_one_column(dataset, staff, client_for):
    html = dashboard_html(client_for(staff))
    by_org = table_after(html, "分组织情况（本月）")
    headers = re.findall(r"<th scope=\"col\"[^>]*>([^<]+)</th>", by_org)
    assert headers[0] == "组织" and "组织" not in headers[1:] and "在运行组织" not in headers
    row = re.search(
        r'<tr><th scope="row" class="name">[^<]*巾帼[^<]*</th>(.*?)</tr>',
        by_org.replace("&lt;b&gt;", "").replace("&lt;/b&gt;", ""),
    )
    cells = re.findall(r'<td class="num">([^<]*)</td>', row.group(1))
    assert cells[:2] == ["3", "5"]  # 服务对象, 走访: the first columns are figures, not a "1"
    # The town table keeps its count of active organizations, which differs per town.
    by_town = table_after(html, "分镇街情况（本月 / 本年累计）")
    assert "在运行组织" in by_town


def test_person_month_figures_are_labelled_on_the_page(dataset, staff, client_for):
    html = dashboard_html(client_for(staff))
    item = re.search(r'<li data-figure="key_care_total">(.*?)</li>', html, re.S).group(1)
    assert "本年累计（人·月） 6" in " ".join(re.sub(r"<[^>]+>", " ", item).split())
    visits = re.search(r'<li data-figure="visits">(.*?)</li>', html, re.S).group(1)
    assert "人·月" not in visits and "本年累计 11" in " ".join(re.sub(r"<[^>]+>", " ", visits).split())


def test_towns_are_one_compact_table_and_ranked_bars(dataset, staff, client_for):
    html = dashboard_html(client_for(staff))
    by_town = table_after(html, "分镇街情况（本月 / 本年累计）")
    assert 'class="list breakdown compact"' in by_town
    assert "data-label" not in by_town  # no card per town on a phone
    assert by_town.count('<th scope="row"') == 12
    bars = html.split('<div class="chart ranked">', 1)[1].split("</svg>", 1)[0]
    names = re.findall(r'text-anchor="end" fill="#333">([^<]+)<', bars)
    assert names[:2] == ["锦屏街道", "岳林街道"] and len(names) == 12  # ranked by visits: 6, then 1


def test_one_number_and_date_format(dataset, staff, client_for):
    OrganizationFactory(name="大额组织", town=town("溪口镇"))
    html = dashboard_html(client_for(staff))
    assert "62,000.50" in html and "62000.50" not in html
    assert re.search(r"数据计算于 \d{4}-\d\d-\d\d \d\d:\d\d", html)
    assert not re.search(r"\d{4}年\d{1,2}月\d{1,2}日", html)


def test_download_is_named_in_chinese(dataset, staff, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = request_report(month=MARCH, scope=Scope.district(), user=staff)
    response = client_for(staff).get(reverse("reports:report_download", args=[report.pk]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    star = re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1)
    assert unquote(star) == "奉化区妇联月报-2026年3月.pdf"
    assert re.search(r'filename="[\x20-\x7e]+\.pdf"', disposition)  # an ASCII fallback


def test_an_organizations_file_name_carries_no_path_characters(
    dataset, staff, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = request_report(month=MARCH, scope=Scope.for_organization(dataset["a"]), user=staff)
    response = client_for(staff).get(reverse("reports:report_download", args=[report.pk]))
    name = unquote(re.search(r"filename\*=UTF-8''(\S+)", response["Content-Disposition"]).group(1))
    assert ORG_A == "兰馨<b>巾帼</b>服务社"
    assert name == "奉化区妇联月报-兰馨_b_巾帼_b_服务社-2026年3月.pdf"
    assert "/" not in name and "\\" not in name


@pytest.mark.parametrize(
    ("status", "progress", "shown", "hidden"),
    [
        ("pending", 0, ["排队中", 'aria-busy="true"', "data-poll", "spinner"], ["已完成", "下载 PDF"]),
        ("running", 40, ["正在生成（40%）", 'aria-busy="true"', "data-poll"], ["已完成", "下载 PDF"]),
        ("done", 100, ["已完成", "下载 PDF"], ["生成", "data-poll", "aria-busy"]),
        ("failed", 0, ["失败 — 可重试", "重试"], ["已完成", "data-poll", "正在生成"]),
    ],
)
def test_the_status_block_says_only_what_is_true(org_a, staff, client_for, status, progress, shown, hidden):
    report = MonthlyReport.objects.create(
        scope_kind="district", scope_key="district", month=MARCH, status=status, progress=progress, file="x.pdf"
    )
    html = client_for(staff).get(reverse("reports:report_status", args=[report.pk])).content.decode()
    block = html.split('class="report-status', 1)[1].split("</main>", 1)[0]
    for text in shown:
        assert text in block, text
    for text in hidden:
        assert text not in block.replace("生成于", ""), text


def test_asking_for_a_report_shows_no_stale_banner(dataset, staff, client_for, django_capture_on_commit_callbacks):
    """In-process mode the report is done before the page shows: no "已开始生成" beside "已完成"."""
    client = client_for(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_list"), {"month": "2026-03"})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()  # messages of the POST show here
    assert "已完成" in html and "已开始生成" not in html
