""" "导出此列表": the file holds exactly the rows the list shows with its filters, sort and
search, masked by default; never more than the user's ``visible_to``."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from organizations.models import DataAccessEvent
from tests.factories import BeneficiaryFactory, CharityProjectFactory, MediationCaseFactory, VisitFactory
from tests.privacy.test_export_policy import by_header, rows_of

pytestmark = pytest.mark.django_db


def export_link(html, label="导出此列表"):
    found = re.search(r'<a class="button secondary" href="([^"]+)">' + label, html)
    assert found, "no export link on the list page"
    return found.group(1).replace("&amp;", "&")


@pytest.fixture
def visits(org_a, org_b):
    """Visits of both organizations in March and April."""
    made = {}
    for org, names in ((org_a, ["王秀英", "李美华", "张凤英"]), (org_b, ["赵玉兰", "王桂英"])):
        for n, name in enumerate(names):
            person = BeneficiaryFactory(name=name, organization=org)
            made[name] = person
            VisitFactory(beneficiary=person, visit_date=datetime.date(2026, 3, 5 + n))
            VisitFactory(beneficiary=person, visit_date=datetime.date(2026, 4, 5 + n), mode="phone")
    return made


def test_the_file_holds_exactly_the_filtered_rows_masked_in_the_lists_order(staff, client_for, visits):
    client = client_for(staff)
    page = client.get(reverse("beneficiaries:visit_list"), {"start": "2026-03-01", "end": "2026-03-31", "sort": "date"})
    link = export_link(page.content.decode())
    assert parse_qs(urlsplit(link).query)["filters"] == ["start=2026-03-01&end=2026-03-31&sort=date"]
    rows = by_header(rows_of(client.get(link), "xlsx"))
    listed = [row["id"] for row in page.context["page"]]
    assert len(rows) == len(listed) == 5
    assert all(row["走访日期"].startswith("2026-03") for row in rows)
    assert sorted(row["走访日期"] for row in rows) == [row["走访日期"] for row in rows]
    ids = {person.id_number for person in visits.values()}
    for row in rows:
        assert row["身份证号"] not in ids and "*" in row["身份证号"]  # masked
    event = DataAccessEvent.objects.get()
    assert event.action == "export_masked" and event.row_count == 5 and "开始日期" in str(event.filters)


def test_the_export_follows_the_search_kept_in_the_session(staff, client_for, visits):
    client = client_for(staff)
    url = reverse("beneficiaries:visit_list")
    location = client.post(url, {"q": "wxy"})["Location"]
    link = export_link(client.get(location).content.decode())
    assert "wxy" not in link
    rows = by_header(rows_of(client.get(link.replace(".xlsx", ".csv")), "csv"))
    # 王秀英 (wxy), not 王桂英 (wgy): her two visits
    assert len(rows) == 2 and {row["身份证号"][-4:] for row in rows} == {visits["王秀英"].id_number[-4:]}
    assert "wxy" not in str(DataAccessEvent.objects.get().filters)


def test_org_b_exporting_its_list_gets_none_of_org_as_rows(member_b, client_for, visits, org_a):
    client = client_for(member_b)
    # Even naming organization A's filter (which its list would refuse) in the export's query.
    for filters in ["", f"organization={org_a.pk}", "sort=-value", "search=1"]:
        response = client.get(reverse("spreadsheets:export", args=["visits", "csv"]), {"filters": filters})
        body = b"".join(response.streaming_content).decode("utf-8-sig") if response.streaming else ""
        for name in ("王秀英", "李美华", "张凤英"):
            assert visits[name].id_number[-4:] not in body
        assert "源为爱旗袍公益俱乐部" not in body


def test_the_register_export_holds_the_lists_people(admin_a, client_for, org_a, org_b):
    on = BeneficiaryFactory(organization=org_a, village="东门村")
    BeneficiaryFactory(organization=org_a, village="西门村")
    BeneficiaryFactory(organization=org_a, village="东门村", active=False)
    BeneficiaryFactory(organization=org_b, village="东门村")
    client = client_for(admin_a)
    html = client.get(reverse("beneficiaries:list"), {"village": "东门"}).content.decode()
    rows = by_header(rows_of(client.get(export_link(html)), "xlsx"))
    assert [row["身份证号"][-4:] for row in rows] == [on.id_number[-4:]]
    assert rows[0]["身份证号"] != on.id_number


def test_a_full_export_of_the_list_needs_the_purpose_and_holds_only_what_one_manages(admin_a, client_for, org_a, org_b):
    mine = BeneficiaryFactory(organization=org_a, village="东门村")
    client = client_for(admin_a)
    html = client.get(reverse("beneficiaries:list"), {"village": "东门"}).content.decode()
    full = re.search(r'<a class="export-alt" href="([^"]+)">完整导出此列表', html).group(1).replace("&amp;", "&")
    assert client.get(full).status_code == 200
    refused = client.post(full, {"purpose": "", "fmt": "xlsx"})
    assert refused.status_code == 200 and not DataAccessEvent.objects.exists()
    rows = by_header(rows_of(client.post(full, {"purpose": "核对名单", "fmt": "xlsx"}), "xlsx"))
    assert [row["身份证号"] for row in rows] == [mine.id_number]
    assert DataAccessEvent.objects.get().action == "export_full"


def test_members_get_no_full_export_link(member_a, client_for, org_a):
    BeneficiaryFactory(organization=org_a)
    html = client_for(member_a).get(reverse("beneficiaries:list")).content.decode()
    assert "导出此列表" in html and "完整导出此列表" not in html


@pytest.mark.parametrize(
    "url_name,resource,make",
    [
        ("cases:list", "cases", lambda org: MediationCaseFactory(organization=org)),
        ("projects:list", "projects", lambda org: CharityProjectFactory(organization=org, name=f"项目{org.pk}")),
    ],
)
def test_other_lists_export_as_shown(url_name, resource, make, staff, client_for, org_a, org_b):
    made_a, made_b = make(org_a), make(org_b)
    client = client_for(staff)
    html = client.get(reverse(url_name), {"organization": org_a.pk}).content.decode()
    link = export_link(html)
    assert f"/{resource}." in link
    rows = by_header(rows_of(client.get(link), "xlsx"))
    assert len(rows) == 1
    assert org_a.name in rows[0].values() and org_b.name not in rows[0].values()
    assert made_a.pk != made_b.pk
