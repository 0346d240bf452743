"""Each resource: import from a sheet with the contract's headers, export, and import the
export again: nothing changes (and the same file imported twice changes nothing)."""

import datetime
from decimal import Decimal

import pytest

from beneficiaries.models import Beneficiary, Visit
from cases.models import MediationCase
from organizations.models import Organization
from projects.models import CharityProject
from spreadsheets.exporter import export_rows
from spreadsheets.resources import get_resource
from tests.factories import make_credit_code, make_id_number
from training.models import Attendance, TrainingSession

from .helpers import run, write_xlsx

pytestmark = pytest.mark.django_db

ID1 = make_id_number(birth=datetime.date(1958, 6, 15), gender="F", n=901)
ID2 = make_id_number(birth=datetime.date(1940, 1, 2), gender="M", n=902)


def export_to(tmp_path, name):
    resource = get_resource(name)
    rows = list(export_rows(resource, resource.export_queryset(_staff())))
    return write_xlsx(tmp_path / f"{name}-export.xlsx", rows[0], rows[1:]), rows


def _staff():
    from tests.factories import UserFactory

    return UserFactory(role="staff")


SHEETS = {
    "organizations": (
        [
            "组织名称",
            "统一社会信用代码",
            "服务领域",
            "组织形式",
            "所属镇街",
            "负责人",
            "联系电话",
            "成立日期",
            "志愿者人数",
        ],
        [
            [
                "巾帼创业创新联谊会",
                make_credit_code(7001),
                "创业就业、技能培训",
                "联盟",
                "岳林街道",
                "陈红",
                "0574-88880000",
                "2019/5/4",
                30,
            ],
            [
                "东门村妇女微家",
                "",
                "关爱帮扶，志愿服务",
                "妇女微家",
                "锦屏街道",
                "",
                "",
                datetime.datetime(2020, 1, 1),
                "",
            ],
        ],
    ),
    "beneficiaries": (
        [
            "姓名",
            "性别",
            "身份证号",
            "联系电话",
            "所属镇街",
            "村社区",
            "住址",
            "服务对象类别",
            "重点关爱",
            "每月走访次数",
            "负责组织",
            "列入重点关爱日期",
            "同意日期",
            "同意方式",
        ],
        [
            [
                "王秀英",
                "女",
                ID1,
                13857420001,
                "锦屏街道",
                "东门村",
                "东门村1号",
                "老妇女主任、高龄老人",
                "是",
                2,
                "源为爱旗袍公益俱乐部",
                "2021-03-01",
                "2021-02-01",
                "书面签字",
            ],
            [
                "李建国",
                "",
                ID2,
                "",
                "溪口镇",
                "岩头村",
                "=cmd|' /C calc'!A0",
                "",
                "否",
                "",
                "源为爱旗袍公益俱乐部",
                "",
                "2021-02-01",
                "口头同意",
            ],
        ],
    ),
}


def _seed_for(name, org_a):
    if name in ("visits", "attendance"):
        run("beneficiaries", write_xlsx(org_a._tmp / "b.xlsx", *SHEETS["beneficiaries"]))
    if name == "attendance":
        TrainingSession.objects.create(
            organization=org_a,
            title="母婴护理培训第1期",
            category="vocational",
            town_id=org_a.town_id,
            date=datetime.date(2021, 8, 12),
        )


def sheets(org_a, org_b):
    return {
        **SHEETS,
        "visits": (
            ["身份证号", "走访日期", "走访组织", "走访方式", "服务内容", "物资价值", "走访人", "备注"],
            [
                [ID1, "2021-08-12", org_a.name, "入户走访", "物资慰问、健康检查", "200.50", "小李", "+ 需要复查"],
                [ID1, datetime.datetime(2021, 9, 1), org_a.name, "电话问候", "", "", "小张", ""],
                [ID2, "2021年9月3日", org_a.name, "送物资", "物资慰问", 80, "", "@备注"],
            ],
        ),
        "projects": (
            ["项目名称", "承接组织", "资助方", "资金来源", "资助金额", "开始日期", "结束日期", "目标人数", "状态"],
            [
                ["关爱老妇女主任", org_a.name, org_b.name, "社会", "50,000", "2021-01-01", "2021-12-31", 100, "实施中"],
                ["巧手创业", org_a.name, "", "政府", 0, "2021-03-01", "2021-03-01", "", ""],
            ],
        ),
        "trainings": (
            ["培训名称", "培训类别", "主办组织", "所属镇街", "培训日期", "学时", "培训老师"],
            [
                ["母婴护理培训第1期", "职业技能", org_a.name, "锦屏街道", "2021/8/12", 4, "张老师"],
                ["茶艺", "文化素养", org_a.name, "溪口镇", "2021-08-20", "2.5", ""],
            ],
        ),
        "attendance": (
            ["培训名称", "培训日期", "主办组织", "姓名", "身份证号", "联系电话", "是否获证", "证书编号", "发证日期"],
            [
                ["母婴护理培训第1期", "2021-08-12", org_a.name, "王秀英", ID1, "", "是", "YY-001", "2021-09-01"],
                ["母婴护理培训第1期", "2021-08-12", org_a.name, "赵丽", "", "13900000001", "否", "", ""],
            ],
        ),
        "cases": (
            [
                "案件编号",
                "受理日期",
                "承办组织",
                "案件类别",
                "申请人",
                "被申请人",
                "案件来源",
                "状态",
                "结案日期",
                "调解结果",
            ],
            [
                [
                    "TJ-2021-0001",
                    "2021-08-12",
                    org_a.name,
                    "赡养纠纷",
                    "王奶奶",
                    "王大、王二",
                    "来访",
                    "调解成功",
                    "2021-09-01",
                    "签订赡养承诺书",
                ],
                ["TJ-2021-0002", "2021-08-20", org_a.name, "婚姻纠纷", "", "", "", "", "", ""],
            ],
        ),
    }


MODELS = {
    "organizations": Organization,
    "beneficiaries": Beneficiary,
    "visits": Visit,
    "projects": CharityProject,
    "trainings": TrainingSession,
    "attendance": Attendance,
    "cases": MediationCase,
}


def snapshot(model):
    return sorted(
        tuple(sorted((k, str(v)) for k, v in row.items() if k not in ("updated_at", "created_at", "version")))
        for row in model.objects.values()
    )


@pytest.mark.parametrize("name", list(MODELS))
def test_round_trip_changes_nothing(name, org_a, org_b, tmp_path):
    org_a._tmp = tmp_path
    _seed_for(name, org_a)
    headers, rows = sheets(org_a, org_b)[name]
    first = run(name, write_xlsx(tmp_path / "in.xlsx", headers, rows))
    assert first.errors == [] and first.saved
    assert first.new == len(rows)
    before = snapshot(MODELS[name])

    again = run(name, tmp_path / "in.xlsx")
    assert (again.new, again.updated, again.unchanged) == (0, 0, len(rows)), again.errors

    path, exported = export_to(tmp_path, name)
    # The export carries every column (the beneficiaries' guardian columns too).
    assert [h for h in exported[0] if h in headers] == headers
    result = run(name, path)
    assert result.errors == []
    assert result.new == 0 and result.updated == 0
    assert snapshot(MODELS[name]) == before


def test_values_are_read_as_staff_type_them(org_a, org_b, tmp_path):
    org_a._tmp = tmp_path
    run("beneficiaries", write_xlsx(tmp_path / "b.xlsx", *SHEETS["beneficiaries"]))
    person = Beneficiary.objects.get(id_number=ID1)
    assert person.birth_date == datetime.date(1958, 6, 15) and person.gender == "F"
    assert person.phone == "13857420001"
    assert person.name_initials == "wxy"
    assert sorted(person.categories.values_list("code", flat=True)) == ["elderly", "old_women_director"]
    assert person.key_care and person.visit_cadence == 2
    assert Beneficiary.objects.get(id_number=ID2).gender == "M"

    headers, rows = sheets(org_a, org_b)["visits"]
    run("visits", write_xlsx(tmp_path / "v.xlsx", headers, rows))
    visit = Visit.objects.get(visit_date=datetime.date(2021, 8, 12))
    assert visit.supplies_value == Decimal("200.50")
    assert sorted(visit.services.values_list("code", flat=True)) == ["health", "supplies"]
    assert Visit.objects.filter(visit_date=datetime.date(2021, 9, 3), mode="supplies").exists()

    case_headers, case_rows = sheets(org_a, org_b)["cases"]
    run("cases", write_xlsx(tmp_path / "c.xlsx", case_headers, case_rows))
    case = MediationCase.objects.get(number="TJ-2021-0001")
    assert case.status == "succeeded" and case.closed_date == datetime.date(2021, 9, 1)
    assert [p.name for p in case.parties.filter(role="respondent").order_by("id")] == ["王大", "王二"]


def test_english_headers_are_accepted(org_a, tmp_path):
    path = write_xlsx(
        tmp_path / "en.xlsx",
        ["name", "credit_code", "service_areas", "kind", "town", "leader", "phone", "founded", "volunteers"],
        [["English Header Club", "", "志愿服务", "volunteer_team", "溪口镇", "", "", "2020-01-01", 3]],
    )
    result = run("organizations", path)
    assert result.saved, result.errors
    assert Organization.objects.get(name="English Header Club").kind == "volunteer_team"


def test_an_update_changes_only_what_changed(org_a, tmp_path):
    headers, rows = SHEETS["beneficiaries"]
    run("beneficiaries", write_xlsx(tmp_path / "b.xlsx", headers, rows))
    rows = [list(rows[0]), list(rows[1])]
    rows[0][3] = "13900000000"
    result = run("beneficiaries", write_xlsx(tmp_path / "b2.xlsx", headers, rows))
    assert (result.new, result.updated, result.unchanged) == (0, 1, 1)
    assert Beneficiary.objects.get(id_number=ID1).phone == "13900000000"
