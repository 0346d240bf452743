"""Each kind of rejected row is named by its row, column and a Chinese reason, and one
rejected row means nothing is saved."""

import datetime

import pytest
from django.utils import timezone

from beneficiaries.models import Beneficiary, Visit
from organizations.models import Organization
from tests.factories import BeneficiaryFactory, make_credit_code, make_id_number

from .helpers import run, write_xlsx

pytestmark = pytest.mark.django_db

CONTRACT_HEADERS = [
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
]
# Consent (同意日期, 同意方式) is required for a new person, as on the page.
B_HEADERS = CONTRACT_HEADERS + ["同意日期", "同意方式"]
# The template's columns: the contract's, 列入重点关爱日期, and the consent columns.
TEMPLATE_HEADERS = CONTRACT_HEADERS + ["列入重点关爱日期", "同意日期", "同意方式", "监护人姓名", "监护人同意日期"]
V_HEADERS = ["身份证号", "走访日期", "走访组织", "走访方式", "服务内容", "物资价值", "走访人", "备注"]


def person(n, org, **changes):
    row = {
        "姓名": f"王{n}",
        "性别": "女",
        "身份证号": make_id_number(birth=datetime.date(1950, 1, 1) + datetime.timedelta(days=n), n=n),
        "联系电话": "",
        "所属镇街": "锦屏街道",
        "村社区": "东门村",
        "住址": "",
        "服务对象类别": "",
        "重点关爱": "否",
        "每月走访次数": "",
        "负责组织": org.name,
        "同意日期": "2021-01-05",
        "同意方式": "书面签字",
    }
    row.update(changes)
    return [row[h] for h in B_HEADERS]


def bad_checksum():
    good = make_id_number(n=77)
    return good[:-1] + ("0" if good[-1] != "0" else "1")


TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

BENEFICIARY_CASES = [
    ({"身份证号": bad_checksum()}, "身份证号", "校验位不正确"),
    ({"身份证号": "33028319600501"}, "身份证号", "应为18位"),
    ({"性别": "男"}, "性别", "与身份证号不一致"),
    ({"所属镇街": "火星镇"}, "所属镇街", "未找到镇街“火星镇”"),
    ({"负责组织": "不存在的组织"}, "负责组织", "未找到组织"),
    ({"服务对象类别": "老妇女主任、外星人"}, "服务对象类别", "不是可选值"),
    ({"重点关爱": "也许"}, "重点关爱", "请填写“是”或“否”"),
    ({"重点关爱": "是", "每月走访次数": 0}, "每月走访次数", "至少1次"),
    ({"每月走访次数": "-1"}, "每月走访次数", "不能为负数"),
    ({"每月走访次数": "两次"}, "每月走访次数", "不是整数"),
    ({"姓名": ""}, "姓名", "必填"),
    ({"村社区": "村" * 51}, "村社区", "内容过长"),
]


@pytest.mark.parametrize("changes,header,reason", BENEFICIARY_CASES, ids=[c[1] + c[2] for c in BENEFICIARY_CASES])
def test_beneficiary_row_rejected(changes, header, reason, org_a, tmp_path):
    rows = [person(1, org_a), person(2, org_a, **changes)]
    result = run("beneficiaries", write_xlsx(tmp_path / "b.xlsx", B_HEADERS, rows))
    assert result.rejected == 1 and not result.saved
    assert [(e[0], e[1]) for e in result.errors][:1] == [(3, header)]
    assert reason in result.errors[0][2]
    assert Beneficiary.objects.count() == 0  # the good row 2 is not saved either


def test_repeated_key_in_the_sheet_names_the_first_row(org_a, tmp_path):
    rows = [person(1, org_a), person(2, org_a), person(1, org_a)]
    result = run("beneficiaries", write_xlsx(tmp_path / "b.xlsx", B_HEADERS, rows))
    assert result.errors == [[4, "身份证号", "与第2行重复（同一条记录出现两次）。"]]


def visit(id_number, org, **changes):
    row = {
        "身份证号": id_number,
        "走访日期": "2021-08-12",
        "走访组织": org.name,
        "走访方式": "入户走访",
        "服务内容": "",
        "物资价值": "",
        "走访人": "",
        "备注": "",
    }
    row.update(changes)
    return [row[h] for h in V_HEADERS]


VISIT_CASES = [
    ({"走访日期": TOMORROW}, "走访日期", "不能晚于今天"),
    ({"走访日期": "2021-13-45"}, "走访日期", "不是有效日期"),
    ({"走访日期": "昨天"}, "走访日期", "不是有效日期"),
    ({"物资价值": "-5"}, "物资价值", "不能为负数"),
    ({"物资价值": "1.234"}, "物资价值", "最多2位小数"),
    ({"走访方式": "飞鸽传书"}, "走访方式", "不是可选值"),
    ({"身份证号": make_id_number(n=555)}, "身份证号", "未找到该身份证号的服务对象"),
]


@pytest.mark.parametrize("changes,header,reason", VISIT_CASES, ids=[c[1] + c[2] for c in VISIT_CASES])
def test_visit_row_rejected(changes, header, reason, org_a, tmp_path):
    someone = BeneficiaryFactory(organization=org_a)
    rows = [visit(someone.id_number, org_a), visit(someone.id_number, org_a, **changes)]
    result = run("visits", write_xlsx(tmp_path / "v.xlsx", V_HEADERS, rows))
    assert result.rejected == 1 and not result.saved
    assert result.errors[0][:2] == [3, header] and reason in result.errors[0][2]
    assert Visit.objects.count() == 0


def test_every_error_of_a_row_is_listed(org_a, tmp_path):
    rows = [person(1, org_a, 所属镇街="火星镇", 重点关爱="也许", 服务对象类别="外星人")]
    result = run("beneficiaries", write_xlsx(tmp_path / "b.xlsx", B_HEADERS, rows))
    assert {e[1] for e in result.errors} == {"所属镇街", "重点关爱", "服务对象类别"}
    assert result.rejected == 1


def test_other_resources_reject_their_rules(org_a, tmp_path):
    projects = run(
        "projects",
        write_xlsx(
            tmp_path / "p.xlsx",
            ["项目名称", "承接组织", "资助方", "资金来源", "资助金额", "开始日期", "结束日期", "目标人数", "状态"],
            [
                ["项目", org_a.name, "", "社会", "100", "2021-05-01", "2021-04-01", "", "立项"],
                ["项目2", org_a.name, "", "", "-1", "2021-05-01", "2021-06-01", "", "完成了"],
            ],
        ),
    )
    assert [e[:2] for e in projects.errors] == [[2, "结束日期"], [3, "资金来源"], [3, "资助金额"], [3, "状态"]]
    cases = run(
        "cases",
        write_xlsx(
            tmp_path / "c.xlsx",
            ["案件编号", "受理日期", "承办组织", "案件类别", "状态", "结案日期"],
            [
                ["TJ-1", "2021-05-01", org_a.name, "赡养纠纷", "调解成功", ""],
                ["TJ-2", "2021-05-01", org_a.name, "赡养纠纷", "调解失败", "2021-04-01"],
            ],
        ),
    )
    # Closing needs 结案日期 and 调解结果 (the rules of cases/rules.py, as on the status page).
    assert [e[:2] for e in cases.errors] == [[2, "结案日期"], [2, "调解结果"], [3, "结案日期"], [3, "调解结果"]]
    orgs = run(
        "organizations",
        write_xlsx(
            tmp_path / "o.xlsx",
            ["组织名称", "统一社会信用代码", "所属镇街"],
            [["新组织", make_credit_code(9)[:-1] + "0", "锦屏街道"], [org_a.name, make_credit_code(9001), "锦屏街道"]],
        ),
    )
    assert orgs.errors[0][:2] == [2, "统一社会信用代码"] and "校验位" in orgs.errors[0][2]
    attendance = run(
        "attendance",
        write_xlsx(
            tmp_path / "a.xlsx",
            ["培训名称", "培训日期", "主办组织", "姓名", "身份证号", "联系电话"],
            [
                ["没有这个培训", "2021-05-01", org_a.name, "李", "", "139"],
                ["没有这个培训", "2021-05-01", org_a.name, "张", "", ""],
            ],
        ),
    )
    assert [e[:2] for e in attendance.errors] == [[3, "身份证号"], [2, "培训名称"]] or sorted(
        e[0] for e in attendance.errors
    ) == [2, 3]
    assert Organization.objects.filter(name="新组织").count() == 0


def test_all_or_none_with_a_bad_last_row_among_1000(org_a, tmp_path):
    rows = [person(n, org_a) for n in range(1, 1000)] + [person(1000, org_a, 身份证号=bad_checksum())]
    path = write_xlsx(tmp_path / "big.xlsx", B_HEADERS, rows)
    result = run("beneficiaries", path)
    assert result.total == 1000 and result.rejected == 1 and not result.saved
    assert result.errors[0][0] == 1001  # the sheet's row (header is row 1)
    assert Beneficiary.objects.count() == 0
    rows[-1] = person(1000, org_a)
    result = run("beneficiaries", write_xlsx(tmp_path / "big.xlsx", B_HEADERS, rows))
    assert result.saved and Beneficiary.objects.count() == 1000


def test_resolving_names_costs_a_fixed_number_of_queries_per_chunk(org_a, tmp_path, django_assert_max_num_queries):
    """Foreign keys come from dictionaries, not a query per row: 10 and 300 rows cost the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n, size in ((1, 10), (2, 300)):
        rows = [person(n * 1000 + i, org_a, 服务对象类别="困难女性") for i in range(size)]
        with CaptureQueriesContext(connection) as ctx:
            run("beneficiaries", write_xlsx(tmp_path / f"q{n}.xlsx", B_HEADERS, rows), dry_run=True)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_key_set_finds_every_repeat_after_growing():
    from spreadsheets.importer import KeySet

    keys = KeySet(capacity=8)
    for n in range(5000):
        assert keys.get(("id", n)) is None
        keys.add(("id", n), n + 2)
    assert [keys.get(("id", n)) for n in (0, 17, 4999)] == [2, 19, 5001]
    assert keys.get(("id", 5000)) is None


def test_a_constraint_only_the_database_knows_saves_nothing(org_a, tmp_path, monkeypatch):
    from django.db import IntegrityError

    from spreadsheets.resources.base import ModelSheetResource

    calls = []
    original = ModelSheetResource.save_chunk

    def save_then_fail(self, new, changed, related, ctx):
        original(self, new, changed, related, ctx)
        calls.append(len(new))
        if len(calls) == 2:
            raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(ModelSheetResource, "save_chunk", save_then_fail)
    rows = [person(n, org_a) for n in range(1, 1501)]
    result = run("beneficiaries", write_xlsx(tmp_path / "b.xlsx", B_HEADERS, rows))
    assert not result.saved and "保存时被数据库拒绝" in result.errors[0][2]
    assert Beneficiary.objects.count() == 0  # the first chunk's 1,000 rows were rolled back too


def test_attendance_by_phone_counts_one_person_however_the_phone_is_typed(org_a, tmp_path):
    from tests.factories import TrainingSessionFactory
    from training.models import Attendance

    session = TrainingSessionFactory(organization=org_a, title="茶艺沙龙", date=datetime.date(2026, 3, 12))
    headers = ["培训名称", "培训日期", "主办组织", "姓名", "身份证号", "联系电话"]
    first = run(
        "attendance",
        write_xlsx(tmp_path / "a.xlsx", headers, [["茶艺沙龙", "2026-03-12", org_a.name, "李芳", "", "138 5742-0001"]]),
    )
    assert first.saved and not first.errors
    again = run(
        "attendance",
        write_xlsx(tmp_path / "b.xlsx", headers, [["茶艺沙龙", "2026-03-12", org_a.name, "李芳", "", "13857420001"]]),
    )
    assert not again.errors
    assert list(Attendance.objects.filter(session=session).values_list("person_key", flat=True)) == ["13857420001"]
