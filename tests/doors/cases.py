"""The bad records of the door-equality test: for each of the seven resources, records that
every door (the page form, the import on the web and by the command, the rule function) must
refuse with the same message on the same field.

A record is ``BASE[resource]`` (valid) updated with a case's ``changes``.  Values are model
attribute names with Python values (the rule functions' ``values``); ``Ref("org_a")`` and the
like name objects of the test's world, resolved with ``resolve(values, world)`` where ``world``
maps those names to objects (see ``tests/doors/test_pages.py::world``):

    org_a, org_b     two active organizations (the actor ``admin_a`` administers org_a,
                     ``member_a`` is a member of it)
    town             锦屏街道
    beneficiary_a    a woman born 1958-06-15, on the register, in org_a's care
    session_a        a training of org_a held on 2026-03-12

``actor`` is the role that submits the record ("staff", "admin_a" or "member_a").
``field`` is the field the message is reported on (the rule's key, a form field's name; an
import names the column of that field), ``message`` the exact Chinese text.

The import engineer feeds the same records to the import (a sheet row per record) and asserts
the same message on the column of ``field``; ``PERMISSION_CASES`` are what an organization
admin may not do by any door."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

TODAY = datetime.date(2026, 11, 30)  # the tests freeze time on this day

ADULT_ID = "330301195806150027"  # a woman born 1958-06-15 (valid checksum)
CHILD_ID = "330301201604010040"  # a girl born 2016-04-01: under 14
TRAINEE_ID = "330301198502030062"  # a woman born 1985-02-03
BAD_CHECKSUM_ID = ADULT_ID[:17] + "5"

PHONE_MESSAGE = "联系电话格式不正确：手机号为11位数字（如13857420001），固定电话如0574-88881234。"
ID_CHECKSUM_MESSAGE = "身份证号校验位不正确，请核对后重新输入。"


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class DoorCase:
    resource: str
    name: str
    changes: dict
    field: str
    message: str
    actor: str = "staff"

    @property
    def id(self):
        return f"{self.resource}-{self.name}"


BASE = {
    "organizations": {
        "name": "南溪阿姐志愿服务队",
        "credit_code": "",
        "kind": "volunteer_team",
        "town_id": Ref("town"),
        "leader_name": "刘安芬",
        "phone": "0574-88001234",
        "founded": datetime.date(2019, 3, 8),
        "volunteer_count": 60,
        "active": True,
    },
    "beneficiaries": {
        "name": "陈桂芳",
        "id_number": ADULT_ID,
        "phone": "13857420001",
        "town_id": Ref("town"),
        "village": "东门村",
        "address": "锦屏街道东门村8号",
        "organization_id": Ref("org_a"),
        "key_care": False,
        "visit_cadence": 0,
        "consent_date": datetime.date(2026, 1, 5),
        "consent_method": "written",
    },
    "visits": {
        "beneficiary_id": Ref("beneficiary_a"),
        "visit_date": datetime.date(2026, 11, 20),
        "mode": "home",
        "supplies_value": Decimal("200.00"),
        "visitors": "志愿者小李",
        "notes": "",
    },
    "projects": {
        "name": "“袋鼠妈妈”关爱独抚女性",
        "organization_id": Ref("org_a"),
        "funding_source": "social",
        "amount": Decimal("120000.00"),
        "start_date": datetime.date(2026, 1, 1),
        "end_date": datetime.date(2026, 12, 31),
        "target_beneficiaries": 40,
        "status": "declared",
        "description": "",
    },
    "trainings": {
        "title": "母婴护理培训第1期",
        "category": "vocational",
        "organization_id": Ref("org_a"),
        "town_id": Ref("town"),
        "date": datetime.date(2026, 11, 12),
        "hours": Decimal("4.0"),
        "trainer": "张老师",
    },
    "attendance": {
        "session_id": Ref("session_a"),
        "name": "王丽",
        "id_number": TRAINEE_ID,
        "phone": "",
        "attended": True,
        "certificate_obtained": False,
        "certificate_number": "",
        "certificate_date": None,
    },
    "cases": {
        "organization_id": Ref("org_a"),
        "category": "elder_support",
        "source": "walk_in",
        "received_date": datetime.date(2026, 11, 5),
        "summary": "王奶奶的子女互相推脱赡养义务。",
    },
}

# The parties of a case being opened: the page asks for them with the case (an import has
# 申请人 and 被申请人 columns).
CASE_PARTIES = {
    "applicant_name": "王奶奶",
    "applicant_phone": "",
    "respondent_names": "王大、王二",
    "respondent_phone": "",
}

CASES = [
    # 组织 (staff import them)
    DoorCase(
        "organizations",
        "credit-code-checksum",
        {"credit_code": "91330200144069698L"},
        "credit_code",
        "统一社会信用代码校验位不正确，请核对后重新输入。",
    ),
    DoorCase("organizations", "phone-139", {"phone": "139"}, "phone", PHONE_MESSAGE),
    DoorCase(
        "organizations",
        "founded-in-the-future",
        {"founded": datetime.date(2027, 1, 1)},
        "founded",
        "成立日期不能晚于今天。",
    ),
    DoorCase(
        "organizations",
        "too-many-volunteers",
        {"volunteer_count": 200000},
        "volunteer_count",
        "志愿者人数应在0到100000之间。",
    ),
    # 服务对象
    DoorCase("beneficiaries", "phone-139", {"phone": "139"}, "phone", PHONE_MESSAGE, actor="member_a"),
    DoorCase(
        "beneficiaries",
        "id-checksum",
        {"id_number": BAD_CHECKSUM_ID},
        "id_number",
        ID_CHECKSUM_MESSAGE,
        actor="member_a",
    ),
    DoorCase(
        "beneficiaries",
        "child-without-guardian",
        {"id_number": CHILD_ID},
        "guardian_name",
        "未满14周岁的服务对象须填写监护人姓名。",
        actor="member_a",
    ),
    DoorCase(
        "beneficiaries",
        "child-without-guardian-consent",
        {"id_number": CHILD_ID, "guardian_name": "李建国"},
        "guardian_consent_date",
        "未满14周岁的服务对象须记录监护人同意日期。",
        actor="member_a",
    ),
    DoorCase(
        "beneficiaries",
        "no-consent-date",
        {"consent_date": None},
        "consent_date",
        "请填写本人（或监护人）同意登记个人信息的日期。",
        actor="member_a",
    ),
    DoorCase(
        "beneficiaries",
        "key-care-without-cadence",
        {"key_care": True, "visit_cadence": 0},
        "visit_cadence",
        "重点关爱对象须填写每月走访次数（至少1次）。",
        actor="member_a",
    ),
    DoorCase(
        "beneficiaries",
        "cadence-over-30",
        {"key_care": True, "visit_cadence": 31},
        "visit_cadence",
        "每月走访次数不能超过30次。",
        actor="member_a",
    ),
    DoorCase(
        "beneficiaries",
        "key-care-since-future",
        {"key_care": True, "visit_cadence": 2, "key_care_since": datetime.date(2026, 12, 25)},
        "key_care_since",
        "列为重点关爱日期不能晚于今天。",
        actor="member_a",
    ),
    DoorCase(
        "beneficiaries",
        "gender-contradicts-id",
        {"gender": "M"},
        "gender",
        "性别与身份证号不一致（身份证号第17位表示女）。",
        actor="member_a",
    ),
    # 走访
    DoorCase(
        "visits",
        "date-in-the-future",
        {"visit_date": datetime.date(2026, 12, 1)},
        "visit_date",
        "走访日期不能晚于今天。",
        actor="member_a",
    ),
    DoorCase(
        "visits",
        "date-too-early",
        {"visit_date": datetime.date(1999, 12, 31)},
        "visit_date",
        "走访日期过早，请核对年份。",
        actor="member_a",
    ),
    DoorCase(
        "visits",
        "supplies-over-100k",
        {"supplies_value": Decimal("200000.00")},
        "supplies_value",
        "物资价值不能超过10万元，请核对金额。",
        actor="member_a",
    ),
    # 公益项目 (staff create them)
    DoorCase(
        "projects",
        "amount-over-100-million",
        {"amount": Decimal("9999999999.00")},
        "amount",
        "资助金额不能超过1亿元，请核对金额。",
    ),
    DoorCase(
        "projects",
        "end-before-start",
        {"end_date": datetime.date(2025, 12, 31)},
        "end_date",
        "结束日期不能早于开始日期。",
    ),
    DoorCase("projects", "funder-is-undertaker", {"funder_id": Ref("org_a")}, "funder", "资助方不能是承接组织本身。"),
    DoorCase(
        "projects",
        "longer-than-10-years",
        {"end_date": datetime.date(2037, 1, 1)},
        "end_date",
        "项目周期不能超过10年，请核对日期。",
    ),
    # 培训活动
    DoorCase(
        "trainings", "hours-over-100", {"hours": Decimal("500.0")}, "hours", "学时不能超过100。", actor="member_a"
    ),
    DoorCase(
        "trainings",
        "date-too-early",
        {"date": datetime.date(1999, 3, 1)},
        "date",
        "培训日期过早，请核对年份。",
        actor="member_a",
    ),
    # 参训记录
    DoorCase("attendance", "phone-139", {"id_number": "", "phone": "139"}, "phone", PHONE_MESSAGE, actor="member_a"),
    DoorCase(
        "attendance", "id-checksum", {"id_number": BAD_CHECKSUM_ID}, "id_number", ID_CHECKSUM_MESSAGE, actor="member_a"
    ),
    DoorCase(
        "attendance",
        "no-id-no-phone",
        {"id_number": "", "phone": ""},
        "id_number",
        "身份证号和联系电话至少填写一项，以便同一人只计一次。",
        actor="member_a",
    ),
    DoorCase(
        "attendance",
        "certificate-without-number",
        {"certificate_obtained": True, "certificate_date": datetime.date(2026, 3, 20)},
        "certificate_number",
        "获证学员须填写证书编号。",
        actor="member_a",
    ),
    # 调解案件
    DoorCase(
        "cases",
        "received-in-the-future",
        {"received_date": datetime.date(2026, 12, 2)},
        "received_date",
        "受理日期不能晚于今天。",
        actor="member_a",
    ),
    DoorCase(
        "cases",
        "received-too-early",
        {"received_date": datetime.date(1999, 1, 4)},
        "received_date",
        "受理日期过早，请核对年份。",
        actor="member_a",
    ),
]

# What an organization admin may not do, whatever the door: the rule's message and field.
PERMISSION_CASES = [
    DoorCase(
        "projects", "admin-creates-a-project", {}, "__all__", "只有妇联工作人员可以新建公益项目。", actor="admin_a"
    ),
    DoorCase(
        "organizations",
        "admin-creates-an-organization",
        {},
        "__all__",
        "只有妇联工作人员可以新建组织。",
        actor="admin_a",
    ),
    DoorCase(
        "beneficiaries",
        "member-registers-for-another-organization",
        {"organization_id": Ref("org_b")},
        "__all__",
        "只能为您所在的组织登记服务对象。",
        actor="member_a",
    ),
    DoorCase(
        "trainings",
        "member-records-for-another-organization",
        {"organization_id": Ref("org_b")},
        "__all__",
        "只能为您所在的组织登记培训。",
        actor="member_a",
    ),
    DoorCase(
        "cases",
        "member-opens-for-another-organization",
        {"organization_id": Ref("org_b")},
        "__all__",
        "只能为您所在的组织受理案件。",
        actor="member_a",
    ),
]


def record(case):
    """The values of a case's record (unresolved)."""
    return {**BASE[case.resource], **case.changes}


def resolve(values, world):
    """``values`` with each Ref replaced by the id of the world's object."""
    return {name: (world[value.name].pk if isinstance(value, Ref) else value) for name, value in values.items()}
