"""Stale edits are refused on every edit form (finding 4): two people open the same form, the
first saves, the second's save is refused with what the first changed (field labels, old →
new; personal fields named, values hidden), nothing of the first is overwritten, and the form
keeps what the second typed, now carrying the current version, so a second, informed save
goes through."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from organizations.models import Membership
from tests.factories import (
    AttendanceFactory,
    BeneficiaryFactory,
    CharityProjectFactory,
    ProjectReportFactory,
    TrainingSessionFactory,
    UserFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db
REFUSED = "本次内容没有保存"


def version_in(html):
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


def race(first, second, url, data_first, data_second):
    """Both loaded the form at the same version; the first saves, then the second."""
    assert first.post(url, data_first).status_code == 302
    response = second.post(url, data_second)
    assert response.status_code == 200, "the second save must be refused, not redirected"
    return response.content.decode()


def test_organization(org_a, staff, admin_a, client_for):
    url = reverse("organizations:edit", args=[org_a.pk])
    base = {
        "name": org_a.name,
        "credit_code": org_a.credit_code,
        "kind": org_a.kind,
        "town": org_a.town_id,
        "leader_name": "李芳",
        "phone": org_a.phone,
        "founded": "2018-03-08",
        "volunteer_count": "20",
        "version": org_a.version,
    }
    html = race(
        client_for(admin_a),
        client_for(staff),
        url,
        {**base, "volunteer_count": "35"},
        {**base, "leader_name": "王敏", "active": "on"},
    )
    assert REFUSED in html and "组织A管理员" in html
    assert "志愿者人数：20 → 35" in html
    org_a.refresh_from_db()
    assert org_a.volunteer_count == 35 and org_a.leader_name == "李芳"
    assert 'value="王敏"' in html and version_in(html) == org_a.version
    # Having seen the change, the second person saves again: it goes through.
    again = client_for(staff).post(
        url, {**base, "volunteer_count": "35", "leader_name": "王敏", "active": "on", "version": version_in(html)}
    )
    assert again.status_code == 302
    org_a.refresh_from_db()
    assert (org_a.volunteer_count, org_a.leader_name) == (35, "王敏")


def test_beneficiary_names_personal_fields_without_their_values(org_a, member_a, admin_a, client_for):
    person = BeneficiaryFactory(organization=org_a, name="蒋雅琴", village="东门村", phone="13857420099")
    url = reverse("beneficiaries:edit", args=[person.pk])
    base = {
        "name": "蒋雅琴",
        "id_number": "",
        "phone": "",
        "address": "",
        "town": person.town_id,
        "village": "东门村",
        "organization": org_a.pk,
        "consent_date": "2026-01-05",
        "consent_method": "written",
        "visit_cadence": "0",
        "version": person.version,
    }
    html = race(
        client_for(member_a),
        client_for(admin_a),
        url,
        {**base, "phone": "13900001111", "village": "南门村", "key_care": "on", "visit_cadence": "2"},
        {**base, "name": "蒋雅芹"},
    )
    assert REFUSED in html and "该服务对象已被组织A志愿者修改" in html
    assert "村社区：东门村 → 南门村" in html and "每月走访次数：0 → 2" in html
    assert "联系电话：（不显示） → （已修改，不显示）" in html
    assert "13900001111" not in html and "13857420099" not in html
    person.refresh_from_db()
    assert (person.name, person.village, person.phone, person.visit_cadence) == ("蒋雅琴", "南门村", "13900001111", 2)


def test_project(org_a, staff, client_for):
    other_staff = UserFactory(email="staff2@example.cn", role="staff", full_name="妇联小陈")
    project = CharityProjectFactory(organization=org_a, name="关爱老妇女主任", amount=Decimal("50000.00"))
    url = reverse("projects:edit", args=[project.pk])
    base = {
        "name": project.name,
        "organization": org_a.pk,
        "funding_source": "social",
        "amount": "50000.00",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "target_beneficiaries": "100",
        "description": "",
        "version": project.version,
    }
    html = race(
        client_for(staff),
        client_for(other_staff),
        url,
        {**base, "amount": "80000.00"},
        {**base, "target_beneficiaries": "120"},
    )
    assert REFUSED in html and "妇联小王" in html and "资助金额（元）：50000.00 → 80000.00" in html
    project.refresh_from_db()
    assert project.amount == Decimal("80000.00") and project.target_beneficiaries == 100


def test_project_edit_form_opened_before_a_status_step_is_refused(org_a, staff, client_for):
    project = CharityProjectFactory(organization=org_a, status="approved")
    url = reverse("projects:edit", args=[project.pk])
    loaded = project.version
    client_for(staff).post(reverse("projects:advance", args=[project.pk]))
    html = (
        client_for(staff)
        .post(
            url,
            {
                "name": project.name,
                "organization": org_a.pk,
                "funding_source": "social",
                "amount": "1.00",
                "start_date": "2026-01-01",
                "end_date": "2026-12-31",
                "target_beneficiaries": "100",
                "version": loaded,
            },
        )
        .content.decode()
    )
    assert REFUSED in html and "状态：立项 → 实施中" in html
    project.refresh_from_db()
    assert project.amount == Decimal("50000.00")


def test_project_report(org_a, member_a, admin_a, client_for):
    project = CharityProjectFactory(organization=org_a)
    report = ProjectReportFactory(project=project, people_served=30)
    url = reverse("projects:report_edit", args=[report.pk])
    base = {
        "period_start": "2026-03-01",
        "period_end": "2026-03-31",
        "narrative": report.narrative,
        "people_served": "30",
        "funds_spent": "3000.00",
        "people_employed": "0",
        "income_generated": "0",
        "version": report.version,
    }
    html = race(
        client_for(member_a), client_for(admin_a), url, {**base, "people_served": "45"}, {**base, "funds_spent": "1.00"}
    )
    assert REFUSED in html and "服务人数：30 → 45" in html
    report.refresh_from_db()
    assert report.people_served == 45 and report.funds_spent == Decimal("3000.00")


def test_training_session(org_a, member_a, admin_a, client_for):
    session = TrainingSessionFactory(organization=org_a, title="茶艺入门", trainer="张老师")
    url = reverse("training:edit", args=[session.pk])
    base = {
        "title": "茶艺入门",
        "category": "vocational",
        "organization": org_a.pk,
        "town": session.town_id,
        "date": "2026-03-12",
        "hours": "4.0",
        "trainer": "张老师",
        "description": "",
        "version": session.version,
    }
    html = race(client_for(member_a), client_for(admin_a), url, {**base, "trainer": "李老师"}, {**base, "hours": "6.0"})
    assert REFUSED in html and "培训老师：张老师 → 李老师" in html
    session.refresh_from_db()
    assert session.trainer == "李老师" and session.hours == Decimal("4.0")


def test_attendance(org_a, member_a, admin_a, client_for):
    attendance = AttendanceFactory(session=TrainingSessionFactory(organization=org_a), name="王丽")
    url = reverse("training:attendance_edit", args=[attendance.pk])
    base = {"name": "王丽", "id_number": "", "phone": "", "attended": "on", "version": attendance.version}
    html = race(
        client_for(member_a),
        client_for(admin_a),
        url,
        {**base, "certificate_obtained": "on", "certificate_number": "FH-9", "certificate_date": "2026-03-20"},
        {**base, "name": "王莉"},
    )
    assert REFUSED in html and "是否获证：否 → 是" in html and "证书编号：— → FH-9" in html
    attendance.refresh_from_db()
    assert attendance.name == "王丽" and attendance.certificate_number == "FH-9"


def test_membership_role(org_a, staff, member_a, client_for):
    other_staff = UserFactory(email="staff2@example.cn", role="staff", full_name="妇联小陈")
    membership = Membership.objects.get(user=member_a, organization=org_a)
    url = reverse("organizations:member_role", args=[org_a.pk, membership.pk])
    loaded = membership.version
    assert client_for(staff).post(url, {"role": "admin", "version": loaded}).status_code == 302
    response = client_for(other_staff).post(url, {"role": "member", "version": loaded}, follow=True)
    html = response.content.decode()
    assert REFUSED in html and "角色：组织成员 → 组织管理员" in html
    membership.refresh_from_db()
    assert membership.role == "admin"


def test_visit(org_a, admin_a, staff, client_for):
    visit = VisitFactory(beneficiary=BeneficiaryFactory(organization=org_a), visit_date=datetime.date(2026, 11, 20))
    url = reverse("beneficiaries:visit_edit", args=[visit.pk])
    base = {
        "organization": org_a.pk,
        "visit_date": "2026-11-20",
        "mode": "home",
        "supplies_value": "0",
        "visitors": "志愿者小李",
        "notes": "",
        "version": visit.version,
    }
    html = race(
        client_for(admin_a), client_for(staff), url, {**base, "notes": "身体状况良好"}, {**base, "mode": "phone"}
    )
    assert REFUSED in html and "备注：— → 身体状况良好" in html
    visit.refresh_from_db()
    assert visit.notes == "身体状况良好" and visit.mode == "home"
