"""Duplicate visits and their correction (finding 8): the same person, organization, date and
mode warns and asks for confirmation; the recorder or the organization's admin corrects or
withdraws a visit within 7 days, staff at any time; a withdrawn visit is kept (with its
history) but counted in no list or figure."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from freezegun import freeze_time

from beneficiaries import rules, services
from beneficiaries.models import Beneficiary, Visit
from reports.statistics import Scope, compute
from tests.factories import BeneficiaryFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 20)


@pytest.fixture
def person(org_a):
    return BeneficiaryFactory(
        organization=org_a, name="蒋雅琴", key_care=True, visit_cadence=1, key_care_since=datetime.date(2026, 1, 1)
    )


def _visit_form(**changes):
    data = {"visit_date": DAY.isoformat(), "mode": "home", "supplies_value": "0", "visitors": "小李", "notes": ""}
    data.update(changes)
    return data


@freeze_time("2026-11-20 10:00")
def test_the_same_visit_twice_warns_and_asks_for_confirmation(person, member_a, client_for):
    client = client_for(member_a)
    url = reverse("beneficiaries:visit_create_for", args=[person.pk])
    assert client.post(url, _visit_form()).status_code == 302
    response = client.post(url, _visit_form(notes="又登记了一次"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "可能是重复登记" in html and "组织A志愿者登记" in html
    assert 'type="checkbox" name="confirm_duplicate"' in html
    assert Visit.objects.filter(beneficiary=person).count() == 1
    # Confirmed: it was a second visit that day.
    assert client.post(url, _visit_form(notes="下午又去了一次", confirm_duplicate="on")).status_code == 302
    assert Visit.objects.filter(beneficiary=person).count() == 2
    # Another mode the same day is no duplicate.
    assert client.post(url, _visit_form(mode="phone")).status_code == 302


def test_the_duplicate_rule_answers_a_chunk_at_once(person, org_a, member_a):
    with freeze_time("2026-11-20"):
        services.visit_create(beneficiary=person, actor=member_a, visit_date=DAY, mode="home")
    keys = [(person.pk, org_a.pk, DAY, "home"), (person.pk, org_a.pk, DAY, "phone")]
    assert rules.duplicate_visit_keys(keys) == {keys[0]}
    values = {"beneficiary_id": person.pk, "organization_id": org_a.pk, "visit_date": DAY, "mode": "home"}
    assert "可能是重复登记" in rules.duplicate_visit_warning(values)


def _recorded_by(person, user, when="2026-11-20 10:00"):
    with freeze_time(when):
        return services.visit_create(beneficiary=person, actor=user, visit_date=DAY, mode="home", notes="初次")


def test_the_recorder_corrects_within_seven_days_then_only_staff(person, org_a, member_a, staff, client_for):
    visit = _recorded_by(person, member_a)
    url = reverse("beneficiaries:visit_edit", args=[visit.pk])
    with freeze_time("2026-11-26 09:00"):
        response = client_for(member_a).post(url, _visit_form(notes="更正：送了米面", version=visit.version))
        assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.notes == "更正：送了米面"
    with freeze_time("2026-11-28 09:00"):
        response = client_for(member_a).post(url, _visit_form(notes="再改", version=visit.version), follow=True)
        assert "只有妇联工作人员可以修改或撤回" in response.content.decode()
        visit.refresh_from_db()
        assert visit.notes == "更正：送了米面"
        with pytest.raises(PermissionDenied):
            services.visit_update(visit=visit, actor=member_a, version=visit.version, notes="再改")
        staff_form = _visit_form(notes="妇联更正", version=visit.version, organization=org_a.pk)
        assert client_for(staff).post(url, staff_form).status_code == 302
    visit.refresh_from_db()
    assert visit.notes == "妇联更正"
    history = [(h.history_user, h.notes) for h in visit.history.order_by("history_date")]
    assert history == [(member_a, "初次"), (member_a, "更正：送了米面"), (staff, "妇联更正")]


def test_the_organizations_admin_may_correct_another_members_visit(person, member_a, admin_a):
    visit = _recorded_by(person, member_a)
    other = UserFactory(email="other@example.cn", full_name="另一位志愿者")
    MembershipFactory(user=other, organization=person.organization)
    with freeze_time("2026-11-21"):
        assert rules.visit_change_error(admin_a, visit) is None
        assert "只有登记人或本组织管理员" in rules.visit_change_error(other, visit)
        services.visit_update(visit=visit, actor=admin_a, version=visit.version, supplies_value=150)
    visit.refresh_from_db()
    assert visit.supplies_value == 150


def test_withdrawing_asks_for_confirmation_and_keeps_the_visit_out_of_every_count(
    person, org_a, member_a, staff, client_for
):
    visit = _recorded_by(person, member_a)
    url = reverse("beneficiaries:visit_withdraw", args=[visit.pk])
    client = client_for(member_a)
    with freeze_time("2026-11-21 09:00"):
        person_page = client.get(reverse("beneficiaries:detail", args=[person.pk])).content.decode()
        assert reverse("beneficiaries:visit_detail", args=[visit.pk]) in person_page  # the way to correct it
        detail = client.get(reverse("beneficiaries:visit_detail", args=[visit.pk])).content.decode()
        assert url in detail and reverse("beneficiaries:visit_edit", args=[visit.pk]) in detail
        confirm = client.get(url).content.decode()
        assert "确定撤回" in confirm and "蒋雅琴" in confirm
        assert Visit.objects.filter(pk=visit.pk).exists()  # a GET withdraws nothing
        refused = client.post(url, {"reason": "", "version": visit.version})
        assert "这个字段是必填项" in refused.content.decode() or "请填写撤回原因" in refused.content.decode()
        assert client.post(url, {"reason": "重复登记", "version": visit.version}).status_code == 302

        assert not Visit.objects.filter(pk=visit.pk).exists()
        kept = Visit.all_objects.get(pk=visit.pk)
        assert kept.withdrawn_by == member_a and kept.withdrawal_reason == "重复登记"
        page = client.get(reverse("beneficiaries:visit_detail", args=[visit.pk])).content.decode()
        assert "撤回" in page and "不计入任何统计和名单" in page and "重复登记" in page
        assert "撤回原因：— → 重复登记" in page and "撤回时间：— → 2026-11-21 17:00" in page  # its history
        listing = client.get(reverse("beneficiaries:visit_list")).content.decode()
        assert reverse("beneficiaries:visit_detail", args=[visit.pk]) not in listing
        person_page = client.get(reverse("beneficiaries:detail", args=[person.pk])).content.decode()
        assert reverse("beneficiaries:visit_detail", args=[visit.pk]) not in person_page
        assert "走访记录（0）" in person_page
        figures = compute(DAY, Scope.district())["month_figures"]
        assert (figures["visits"], figures["key_care_on_cadence"], figures["beneficiaries_served"]) == (0, 0, 0)
    # The overdue rule does not take the withdrawn visit for a contact.
    assert Beneficiary.objects.overdue(datetime.date(2026, 12, 20)).filter(pk=person.pk).exists()
    with freeze_time("2026-11-21 09:00"):
        response = client.get(reverse("beneficiaries:visit_edit", args=[visit.pk]), follow=True)
        assert "这条走访记录已撤回" in response.content.decode()


def test_withdrawn_visits_are_left_out_of_exports(person, member_a, client_for):
    withdrawn = _recorded_by(person, member_a)
    with freeze_time("2026-11-21"):
        services.visit_withdraw(visit=withdrawn, actor=member_a, version=withdrawn.version, reason="重复")
        services.visit_create(beneficiary=person, actor=member_a, visit_date=DAY, mode="phone", notes="电话问候")
    response = client_for(member_a).get(reverse("spreadsheets:export", args=["visits", "csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = [line for line in text.splitlines()[1:] if line.strip()]
    assert len(rows) == 1 and "电话问候" in rows[0] and "初次" not in text


def test_a_leader_and_another_organization_cannot_touch_a_visit(person, member_a, member_b, leader, client_for):
    visit = _recorded_by(person, member_a)
    for name in ("beneficiaries:visit_edit", "beneficiaries:visit_withdraw"):
        url = reverse(name, args=[visit.pk])
        assert client_for(member_b).get(url).status_code == 404
        assert client_for(leader).get(url).status_code == 403
