import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import CharityProject
from tests.factories import CharityProjectFactory, OrganizationFactory, ProjectReportFactory

from .conftest import report_for

pytestmark = pytest.mark.django_db

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def test_missing_report_for_last_month(org_a):
    def project(name, **extra):
        return CharityProjectFactory(organization=org_a, name=name, **extra)

    none = project("没有报告")
    draft_only = project("只有草稿")
    report_for(draft_only, status="draft")
    returned = project("被退回")
    report_for(returned, status="returned")
    submitted = project("已提交")
    report_for(submitted, status="submitted")
    approved = project("已通过")
    report_for(approved, status="approved")
    quarterly = project("季度报告")
    ProjectReportFactory(
        project=quarterly,
        status="approved",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
    )
    february_only = project("只报了二月")
    report_for(february_only, status="approved", month=2)
    project("已结项", status="completed")
    project("未开始", start_date=datetime.date(2026, 4, 1))
    missing = set(CharityProject.objects.missing_report_for(*MARCH).values_list("name", flat=True))
    assert missing == {none.name, draft_only.name, returned.name, february_only.name}


def _queries(client, url):
    client.get(url, {"per_page": 200})  # steady state: the filter's organization options cached
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, {"per_page": 200}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_name", ["projects:list", "projects:review_queue", "projects:missing_reports", "projects:report_list"]
)
def test_lists_cost_the_same_queries_for_10_and_100_rows(url_name, staff, client_for):
    funders = [OrganizationFactory(), OrganizationFactory()]

    def add(n):
        for i in range(n):
            project = CharityProjectFactory(funder=funders[i % 2])
            report_for(project, status="submitted", month=1)

    client = client_for(staff)
    add(10)
    ten = _queries(client, reverse(url_name))
    add(90)
    assert _queries(client, reverse(url_name)) == ten


def test_the_project_list_filters_and_totals(org_a, funder, staff, client_for):
    CharityProjectFactory(
        organization=org_a, funder=funder, name="袋鼠妈妈", amount=Decimal("80000"), funding_source="social"
    )
    CharityProjectFactory(organization=org_a, name="政府项目", amount=Decimal("20000"), funding_source="government")
    page = client_for(staff).get(reverse("projects:list"), {"funder": funder.pk}).content.decode()
    assert "袋鼠妈妈" in page and "政府项目" not in page and "80,000.00" in page
    page = client_for(staff).get(reverse("projects:list"), {"funding_source": "government"}).content.decode()
    assert "政府项目" in page and "袋鼠妈妈" not in page


def test_the_organization_page_shows_funds_received_and_given(org_a, funder, leader, client_for):
    CharityProjectFactory(organization=org_a, funder=funder, name="袋鼠妈妈", amount=Decimal("80000"))
    CharityProjectFactory(organization=org_a, name="关爱老妇女主任", amount=Decimal("20000"))
    other = OrganizationFactory(name="王妈汤圆创客工作室")
    CharityProjectFactory(organization=other, funder=funder, name="汤圆创业", amount=Decimal("30000"))
    report_for(CharityProject.objects.get(name="袋鼠妈妈"), status="submitted")
    page = client_for(leader).get(reverse("organizations:detail", args=[funder.pk])).content.decode()
    assert "110,000.00" in page  # given: 80,000 + 30,000
    page = client_for(leader).get(reverse("organizations:detail", args=[org_a.pk])).content.decode()
    assert "100,000.00" in page  # received
    assert '<span class="value">1</span><span class="label">报告·已提交</span>' in page
