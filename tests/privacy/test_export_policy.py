"""The export policy (spreadsheets/policy.py) on the files' contents, CSV and xlsx parsed:
masked for every role by default, a full export only for staff and organization admins (their
own organizations' people), with a purpose, recorded with every exported person; identity
columns only for people the exporter may see now."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from organizations.models import DataAccessEvent, DataAccessSubject
from organizations.privacy import mask_address, mask_id_number, mask_name, mask_phone
from spreadsheets import policy
from spreadsheets.resources import RESOURCES, get_resource
from tests.access_matrix.walker import snapshot
from tests.factories import (
    AttendanceFactory,
    BeneficiaryFactory,
    CasePartyFactory,
    CharityProjectFactory,
    MediationCaseFactory,
    TrainingSessionFactory,
    VisitFactory,
)
from tests.spreadsheets.helpers import sheet_rows, streamed

pytestmark = pytest.mark.django_db


def rows_of(response, fmt):
    body = streamed(response) if response.streaming else response.content
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return [["" if cell is None else str(cell) for cell in row] for row in sheet_rows(body)]


def by_header(rows):
    header, *body = rows
    return [dict(zip(header, list(row) + [""] * (len(header) - len(row)), strict=True)) for row in body]


@pytest.fixture
def people(org_a, org_b):
    """Organization A's records with known personal values (and one of B's)."""
    person = BeneficiaryFactory(
        organization=org_a, name="蒋雅琴", phone="13857421234", address="锦屏街道东门村88号", village="东门村"
    )
    VisitFactory(beneficiary=person, notes="身体不错")
    session = TrainingSessionFactory(organization=org_a, title="茶艺培训")
    AttendanceFactory(session=session, name="鲁冬梅", phone="13857425555")
    case = MediationCaseFactory(organization=org_a)
    CasePartyFactory(case=case, role="applicant", name="葛秋月", phone="13857426666")
    CasePartyFactory(case=case, role="respondent", name="葛大伟", phone="")
    CharityProjectFactory(organization=org_a, name="茶艺就业项目")
    other = BeneficiaryFactory(organization=org_b, name="乙组织的人", phone="13900001111")
    return {"person": person, "attendance": session.attendances.get(), "case": case, "other": other}


def full_values(people):
    person, attendance = people["person"], people["attendance"]
    return {
        "beneficiaries": {"身份证号": person.id_number, "联系电话": person.phone, "住址": person.address},
        "visits": {"身份证号": person.id_number},
        "attendance": {"身份证号": attendance.id_number, "联系电话": attendance.phone},
        "cases": {"申请人": "葛秋月", "被申请人": "葛大伟"},
    }


def masked_values(people):
    person, attendance = people["person"], people["attendance"]
    return {
        "beneficiaries": {
            "身份证号": mask_id_number(person.id_number),
            "联系电话": mask_phone(person.phone),
            "住址": mask_address(person.address),
        },
        "visits": {"身份证号": mask_id_number(person.id_number)},
        "attendance": {"身份证号": mask_id_number(attendance.id_number), "联系电话": mask_phone(attendance.phone)},
        "cases": {"申请人": mask_name("葛秋月"), "被申请人": mask_name("葛大伟")},
    }


def test_every_column_of_every_sheet_is_classified():
    from spreadsheets.resources import EXPORT_ONLY

    for name, resource in {**RESOURCES, **EXPORT_ONLY}.items():
        headers = [column.header for column in resource.columns]
        personal, other = set(policy.PERSONAL[name]), set(policy.NOT_PERSONAL[name])
        assert not personal & other, name
        assert personal | other == set(headers), f"{name}: unclassified {set(headers) - personal - other}"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role", ["staff", "admin_a", "member_a"])
@pytest.mark.parametrize("name", ["beneficiaries", "visits", "attendance", "cases"])
def test_every_export_is_masked_by_default_for_every_role(name, role, fmt, roles, client_for, people):
    response = client_for(roles[role]).get(reverse("spreadsheets:export", args=[name, fmt]))
    assert response.status_code == 200
    rows = by_header(rows_of(response, fmt))
    masked, full = masked_values(people)[name], full_values(people)[name]
    mine = [row for row in rows if all(row[header] == value for header, value in masked.items())]
    assert len(mine) == 1, rows
    text = repr(rows)
    for header, value in full.items():
        assert value not in text, f"{name} {role}: {header} exported whole"


@pytest.mark.parametrize("name", ["organizations", "projects", "trainings"])
def test_sheets_without_personal_data_are_the_same_masked(name, staff, leader, client_for, people):
    for user in (staff, leader) if name != "trainings" else (staff,):
        response = client_for(user).get(reverse("spreadsheets:export", args=[name, "xlsx"]))
        assert response.status_code == 200
        assert rows_of(response, "xlsx")[0] == [column.header for column in get_resource(name).columns]
    assert client_for(staff).get(reverse("spreadsheets:export_full", args=[name])).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", ["beneficiaries", "visits", "attendance", "cases"])
def test_staff_full_export_has_the_values_and_is_recorded_with_each_person(name, fmt, staff, client_for, people, org_a):
    url = reverse("spreadsheets:export_full", args=[name])
    response = client_for(staff).post(url, {"purpose": "向民政局报送名单", "fmt": fmt, "organization": org_a.pk})
    assert response.status_code == 200
    rows = by_header(rows_of(response, fmt))
    full = full_values(people)[name]
    assert [row for row in rows if all(row[h] == v for h, v in full.items())], rows
    event = DataAccessEvent.objects.get()
    assert (event.user, event.action, event.resource, event.purpose) == (staff, "export_full", name, "向民政局报送名单")
    assert event.row_count == len(rows) and event.organization == org_a
    assert event.filters == {"organization": org_a.name}
    subjects = set(DataAccessSubject.objects.values_list("record_type", "record_id"))
    expected = {
        "beneficiaries": {("beneficiary", people["person"].pk)},
        "visits": {("beneficiary", people["person"].pk)},
        "attendance": set(),  # the trainee is not on the register: the event holds the count
        "cases": {("case_party", party.pk) for party in people["case"].parties.all()},
    }[name]
    assert subjects == expected


def test_the_persons_access_log_shows_the_full_export(staff, admin_a, client_for, people):
    client_for(admin_a).post(
        reverse("spreadsheets:export_full", args=["beneficiaries"]), {"purpose": "年底走访核对", "fmt": "csv"}
    )
    page = client_for(staff).get(reverse("beneficiaries:history", args=[people["person"].pk])).content.decode()
    assert "完整导出" in page and "年底走访核对" in page and "组织A管理员" in page
    # The other organization's person was not exported, and its log says nothing.
    other = client_for(staff).get(reverse("beneficiaries:history", args=[people["other"].pk])).content.decode()
    assert "年底走访核对" not in other


def test_an_admins_full_export_holds_only_the_own_organizations_people(admin_a, client_for, people, org_b):
    response = client_for(admin_a).post(
        reverse("spreadsheets:export_full", args=["beneficiaries"]), {"purpose": "核对", "fmt": "xlsx"}
    )
    rows = by_header(rows_of(response, "xlsx"))
    assert [row["姓名"] for row in rows] == ["蒋雅琴"]
    assert rows[0]["身份证号"] == people["person"].id_number
    # Organization B is not among the organizations an admin of A may choose.
    refused = client_for(admin_a).post(
        reverse("spreadsheets:export_full", args=["beneficiaries"]),
        {"purpose": "核对", "fmt": "xlsx", "organization": org_b.pk},
    )
    assert refused.status_code == 200 and "organization" in refused.context["form"].errors


@pytest.mark.parametrize("role", ["member_a", "member_b", "leader"])
def test_members_and_leaders_never_get_a_full_export_and_nothing_is_recorded(role, roles, client_for, people):
    client = client_for(roles[role])
    before = snapshot()
    for name in ("beneficiaries", "visits", "attendance", "cases"):
        url = reverse("spreadsheets:export_full", args=[name])
        assert client.get(url).status_code == 403
        response = client.post(url, {"purpose": "想看看", "fmt": "csv"})
        assert response.status_code == 403 and people["person"].id_number not in response.content.decode()
    assert snapshot() == before and not DataAccessEvent.objects.exists()


def test_a_full_export_needs_a_purpose(staff, client_for, people):
    response = client_for(staff).post(
        reverse("spreadsheets:export_full", args=["beneficiaries"]), {"purpose": "  ", "fmt": "csv"}
    )
    assert response.status_code == 200 and not response.streaming
    assert "用途" in response.content.decode() and response.context["form"].errors["purpose"]
    assert not DataAccessEvent.objects.exists()


def test_masked_exports_are_recorded_without_people(member_a, client_for, people):
    rows = rows_of(client_for(member_a).get(reverse("spreadsheets:export", args=["visits", "csv"])), "csv")
    event = DataAccessEvent.objects.get()
    assert (event.user, event.action, event.resource, event.row_count) == (member_a, "export_masked", "visits", 1)
    assert len(rows) == 2 and not event.subjects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_person_moved_to_another_organization_leaves_no_identity_in_the_old_ones_export(
    fmt, staff, admin_a, member_a, client_for, people, org_a, org_b
):
    """Staff move 蒋雅琴 from A to B.  A keeps its visit (its own work: date, services) but the
    person's ID number, full or masked, is no longer A's to export."""
    person = people["person"]
    person.organization = org_b
    person.save()
    assert client_for(member_a).get(reverse("beneficiaries:detail", args=[person.pk])).status_code == 404
    masked = by_header(rows_of(client_for(member_a).get(reverse("spreadsheets:export", args=["visits", fmt])), fmt))
    full = by_header(
        rows_of(
            client_for(admin_a).post(
                reverse("spreadsheets:export_full", args=["visits"]), {"purpose": "核对", "fmt": fmt}
            ),
            fmt,
        )
    )
    for rows in (masked, full):
        assert len(rows) == 1 and rows[0]["走访组织"] == org_a.name
        assert rows[0]["身份证号"] == ""
        assert person.id_number[-4:] not in repr(rows)
    # The full export recorded no person of B's.
    assert not DataAccessSubject.objects.filter(record_id=person.pk).exists()
    # Staff, who may see the person, still get the identity.
    staff_rows = by_header(rows_of(client_for(staff).get(reverse("spreadsheets:export", args=["visits", fmt])), fmt))
    assert staff_rows[0]["身份证号"] == mask_id_number(person.id_number)


def test_the_policy_functions_take_a_queryset_a_user_and_a_mode(admin_a, member_a, people):
    """What an API or an "export this list" button calls."""
    from beneficiaries.models import Beneficiary

    resource = get_resource("beneficiaries")
    queryset = Beneficiary.objects.filter(name="蒋雅琴")
    rows = list(policy.export_file_rows(resource, queryset, admin_a, mode="full", purpose="按名单回访"))
    assert rows[1][2] == people["person"].id_number
    rows = list(policy.export_file_rows(resource, Beneficiary.objects.all(), member_a))
    assert [row[0] for row in rows[1:]] == ["蒋雅琴"] and rows[1][2] == mask_id_number(people["person"].id_number)
    with pytest.raises(policy.PermissionDenied):
        policy.export_file_rows(resource, queryset, member_a, mode="full", purpose="x")
    assert DataAccessEvent.objects.count() == 2


def test_the_export_page_offers_the_full_export_to_admins_only(admin_a, member_a, client_for):
    full = reverse("spreadsheets:export_full", args=["beneficiaries"])
    assert full in client_for(admin_a).get(reverse("spreadsheets:index")).content.decode()
    assert full not in client_for(member_a).get(reverse("spreadsheets:index")).content.decode()


def test_an_organization_filter_narrows_the_masked_export(staff, client_for, people, org_a):
    url = reverse("spreadsheets:export", args=["beneficiaries", "csv"]) + f"?organization={org_a.pk}"
    rows = by_header(rows_of(client_for(staff).get(url), "csv"))
    assert [row["姓名"] for row in rows] == ["蒋雅琴"]
    assert DataAccessEvent.objects.get().filters == {"organization": org_a.name}
    bad = reverse("spreadsheets:export", args=["beneficiaries", "csv"]) + "?organization=abc"
    assert client_for(staff).get(bad).status_code == 404


def test_received_dates_stay_dates(people):
    # A date column is not personal and passes through the masks untouched.
    rows = list(policy.export_rows(get_resource("cases"), people["case"].__class__.objects.all(), None, mode="masked"))
    assert isinstance(rows[1][1], datetime.date)
