"""core.history: who changed what, when, from simple-history's diff, with personal fields'
values hidden and a fixed number of queries."""

import pytest

from beneficiaries.history import history_entries as beneficiary_history
from core.history import history_entries
from organizations.models import Town
from tests.factories import BeneficiaryFactory, MediationCaseFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def _save(instance, user, **changes):
    for name, value in changes.items():
        setattr(instance, name, value)
    instance._history_user = user
    instance.save()


def test_a_case_shows_labels_names_and_who_newest_first(member_a, staff):
    case = MediationCaseFactory(organization__name="奉帮和事嫂家事调解服务队")
    _save(case, member_a, status="mediating")
    _save(case, staff, status="succeeded", closed_date=case.received_date, outcome="签订赡养承诺书")
    entries = history_entries(case)
    assert [e.kind for e in entries] == ["修改", "修改", "创建"]
    assert entries[0].who == staff and entries[1].who == member_a
    assert [(c.field, c.old, c.new) for c in entries[1].changes] == [("状态", "受理", "调解中")]
    changed = {c.field: (c.old, c.new) for c in entries[0].changes}
    assert changed["状态"] == ("调解中", "调解成功")
    assert changed["调解结果"] == ("—", "签订赡养承诺书")
    created = {c.field: c.new for c in entries[2].changes}
    assert created["承办组织"] == "奉帮和事嫂家事调解服务队"  # a foreign key shows the row's name
    assert created["案件类别"] == "赡养纠纷" and "结案日期" not in created  # empty values are left out
    assert entries[2].who == "系统"  # saved without a user (an import, a command)


def test_personal_fields_are_named_but_never_shown(staff):
    person = BeneficiaryFactory(phone="13957411111", village="东门村")
    other_town = Town.objects.exclude(pk=person.town_id).first()
    _save(person, staff, phone="13957422222", village="南门村", town=other_town, key_care=True, visit_cadence=2)
    latest = {c.field: (c.old, c.new) for c in beneficiary_history(person)[0].changes}
    assert latest["联系电话"] == ("（已隐藏）", "（已隐藏）")
    assert latest["村社区"] == ("东门村", "南门村")
    assert latest["所属镇街"][1] == other_town.name
    assert latest["重点关爱"] == ("否", "是")
    text = str(beneficiary_history(person))
    assert "13957411111" not in text and "13957422222" not in text and person.id_number not in text


def test_the_number_of_queries_does_not_grow_with_the_versions(staff, django_assert_num_queries):
    person = BeneficiaryFactory()
    for village in ["一村", "二村", "三村"]:
        _save(person, staff, village=village)
    # history rows (with users), towns, organizations
    with django_assert_num_queries(3):
        assert len(beneficiary_history(person)) == 4
    for village in ["四村", "五村", "六村", "七村"]:
        _save(person, staff, village=village, organization=OrganizationFactory())
    with django_assert_num_queries(3):
        assert len(beneficiary_history(person)) == 8


def test_a_stale_edit_names_the_categories_and_the_town_the_other_person_chose(org_a, member_a, admin_a):
    """core.versioning builds a stale edit's message with core.history's changes: many-to-many
    fields and foreign keys by their rows' names, personal fields named without their values."""
    from beneficiaries.models import BeneficiaryCategory
    from beneficiaries.services import beneficiary_update
    from core.versioning import StaleEdit

    code = BeneficiaryCategory.Code
    elderly, single = (BeneficiaryCategory.objects.get(code=c) for c in (code.ELDERLY, code.SINGLE_MOTHER))
    person = BeneficiaryFactory(organization=org_a, phone="13957411111")
    person.categories.set([elderly])
    other_town = Town.objects.exclude(pk=person.town_id).order_by("order").first()
    loaded = person.version
    beneficiary_update(
        beneficiary=person,
        actor=member_a,
        version=loaded,
        categories=[elderly, single],
        town=other_town,
        phone="13957422222",
    )
    with pytest.raises(StaleEdit) as refused:
        beneficiary_update(beneficiary=person, actor=admin_a, version=loaded, village="南门村")
    lines = refused.value.messages
    assert f"所属镇街：{Town.objects.get(pk=person.town_id).name} → {other_town.name}" in lines
    assert "服务对象类别：高龄老人 → 独抚女性、高龄老人" in lines  # in the categories' order
    assert "联系电话：（不显示） → （已修改，不显示）" in lines
    assert "13957411111" not in str(lines) and "13957422222" not in str(lines)
