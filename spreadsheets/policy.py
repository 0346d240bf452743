"""The export policy: what personal data leaves the portal in a file, for whom, and the record
of it.  Every export goes through ``export_file_rows`` (the web's masked and full exports
today; an API or an "export this list" button later): give it a queryset, the user and the
mode, and it checks the permission, narrows the rows, masks, records and yields the rows.

* **Masked** (the default, for every role that may export the type): the same masks as the
  pages (``organizations.privacy``): ID numbers, phones and addresses masked, case parties'
  names masked.  Recorded as one audit entry (who, when, type, filters, row count) without
  per-person entries.
* **Full**: federation staff (every organization's rows) and organization admins (only the
  rows of the organizations they administer); never members or leaders.  It needs a purpose
  (用途), and it is recorded with every exported person, so each person's access log shows it.
* **Identity through a relation** (a visit's 身份证号 is its person's): shown only for a person
  the exporter may see now, masked or full as above; a person since moved to an organization
  the exporter cannot see keeps the row (it is the organization's own work: date, services,
  supplies) with the identity cells blank.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, Exists, OuterRef, Value
from django.utils.translation import gettext as _

from beneficiaries.models import Beneficiary
from organizations.access import role_of
from organizations.audit import Action, record_access
from organizations.privacy import mask_address, mask_id_number, mask_name, mask_phone

from .exporter import escape_cell
from .permissions import can_export, is_org_admin


class Mode(StrEnum):
    MASKED = "masked"
    FULL = "full"


def mask_names(value):
    """王大、王二 -> 王*、王*: each name of a multi-name cell."""
    return "、".join(mask_name(name) for name in (value or "").split("、"))


# Every column of every sheet, classified: the personal ones with their mask, the others named
# (tests/spreadsheets/test_export_policy.py fails on a column that is in neither).
PERSONAL = {
    "organizations": {},
    "beneficiaries": {
        "身份证号": mask_id_number,
        "联系电话": mask_phone,
        "住址": mask_address,
        # A child's guardian is another person: masked like the parties of a case.
        "监护人姓名": mask_name,
    },
    "visits": {"身份证号": mask_id_number},
    "projects": {},
    "trainings": {},
    "attendance": {"身份证号": mask_id_number, "联系电话": mask_phone},
    # The parties of a family dispute: on the case page to its handlers, in a masked file by
    # surname only (a ledger that travels by WeChat must not name them).
    "cases": {"申请人": mask_names, "被申请人": mask_names},
    "referrals": {"联系电话": mask_phone},
}
NOT_PERSONAL = {
    # The directory's contact person and phone are the organization's public contact.
    "organizations": (
        "组织名称",
        "统一社会信用代码",
        "服务领域",
        "组织形式",
        "所属镇街",
        "负责人",
        "联系电话",
        "成立日期",
        "志愿者人数",
    ),
    "beneficiaries": (
        "姓名",
        "性别",
        "所属镇街",
        "村社区",
        "服务对象类别",
        "重点关爱",
        "每月走访次数",
        "负责组织",
        "列入重点关爱日期",
        "同意日期",
        "同意方式",
        "监护人同意日期",
    ),
    "visits": ("走访日期", "走访组织", "走访方式", "服务内容", "物资价值", "走访人", "备注"),
    "projects": ("项目名称", "承接组织", "资助方", "资金来源", "资助金额", "开始日期", "结束日期", "目标人数", "状态"),
    "trainings": ("培训名称", "培训类别", "主办组织", "所属镇街", "培训日期", "学时", "培训老师"),
    "attendance": ("培训名称", "培训日期", "主办组织", "姓名", "是否获证", "证书编号", "发证日期"),
    "cases": ("案件编号", "受理日期", "承办组织", "案件类别", "案件来源", "状态", "结案日期", "调解结果"),
    "referrals": (
        "转介日期",
        "类型",
        "姓名",
        "所属镇街",
        "转出组织",
        "接收组织",
        "转介原因",
        "紧急程度",
        "状态",
        "接收日期",
        "办结日期",
        "办理结果",
    ),
}
# Columns that are another record's person: (lookup from the row to the beneficiary, headers).
IDENTITY_OF_PERSON = {"visits": ("beneficiary", ("身份证号",)), "referrals": ("person", ("联系电话",))}
# The people a full export concerns, for their access logs: (record type, id lookup, their
# organization's lookup), and a condition on the row when only some rows carry the person.
EXPORTED_PEOPLE = {
    "beneficiaries": ("beneficiary", "pk", "organization_id", None),
    "visits": ("beneficiary", "beneficiary_id", "beneficiary__organization_id", "_person_full"),
    "attendance": ("beneficiary", "beneficiary_id", "beneficiary__organization_id", None),
    "cases": ("case_party", "parties__id", "organization_id", None),
    "referrals": ("beneficiary", "person_id", "person__organization_id", "_person_full"),
}


def has_personal_data(resource_name):
    return bool(PERSONAL.get(resource_name))


def may_export(user, resource_name, mode):
    """Masked: whoever may export the type (``permissions.can_export``).  Full: staff and
    organization admins, for a type with personal data."""
    if not can_export(user, resource_name):
        return False
    if mode == Mode.MASKED:
        return True
    if not has_personal_data(resource_name):
        return False
    return role_of(user) == "staff" or is_org_admin(user)


def export_scope(queryset, user, mode):
    """The rows of ``queryset`` the user may export in that mode: what they may see (masked),
    or what they administer (full: ``manageable_by``, i.e. staff everything, an admin the own
    organizations' rows)."""
    queryset = queryset.visible_to(user)
    return queryset.manageable_by(user) if mode == Mode.FULL else queryset


def _with_person_access(queryset, resource_name, user, mode):
    """Annotates ``_person_visible``/``_person_full``: may the user see (now) the person whose
    identity the row carries, and export it in full."""
    if resource_name not in IDENTITY_OF_PERSON:
        return queryset
    path, _headers = IDENTITY_OF_PERSON[resource_name]
    if role_of(user) == "staff":
        everyone = Value(True, output_field=BooleanField())
        return queryset.annotate(_person_visible=everyone, _person_full=everyone)
    person = OuterRef(f"{path}_id")
    return queryset.annotate(
        _person_visible=Exists(Beneficiary.objects.visible_to(user).filter(pk=person)),
        _person_full=Exists(Beneficiary.objects.manageable_by(user).filter(pk=person))
        if mode == Mode.FULL
        else Value(False, output_field=BooleanField()),
    )


def _row_cleaner(resource, mode):
    """A function (object, cells) -> cells applying the masks and the identity rule."""
    headers = [column.header for column in resource.columns]
    masks = PERSONAL.get(resource.name, {})
    identity = set(IDENTITY_OF_PERSON.get(resource.name, (None, ()))[1])
    plan = [(index, masks.get(header), header in identity) for index, header in enumerate(headers)]
    plan = [(index, mask, is_identity) for index, mask, is_identity in plan if mask or is_identity]

    def clean(obj, cells):
        for index, mask, is_identity in plan:
            value = cells[index]
            if is_identity and not obj._person_visible:
                cells[index] = ""
            elif mode == Mode.MASKED or (is_identity and not obj._person_full):
                cells[index] = mask(value) if mask and value not in (None, "") else value
        return cells

    return clean


def export_rows(resource, queryset, user, *, mode):
    """The header, then one list of cells per record, masked per the policy (no permission
    check and no record: use ``export_file_rows``)."""
    queryset = _with_person_access(queryset, resource.name, user, mode)
    clean = _row_cleaner(resource, mode)
    columns = resource.columns
    yield resource.get_export_headers()
    for obj in queryset.iterator(chunk_size=1000):
        yield [escape_cell(cell) for cell in clean(obj, [column.export_value(obj) for column in columns])]


def _exported_people(resource_name, queryset, user, mode):
    spec = EXPORTED_PEOPLE.get(resource_name)
    if spec is None or mode != Mode.FULL:
        return ()
    record_type, id_path, organization_path, condition = spec
    rows = _with_person_access(queryset, resource_name, user, mode)
    if condition:
        rows = rows.filter(**{condition: True})
    pairs = (
        rows.order_by()
        .prefetch_related(None)
        .filter(**{f"{id_path}__isnull": False})
        .values_list(id_path, organization_path)
        .distinct()
    )
    return ((record_type, person_id, organization_id) for person_id, organization_id in pairs.iterator())


@transaction.atomic
def record_export(*, resource, queryset, user, mode, filters=None, organization=None, purpose=""):
    """Writes the export to the audit log (with every exported person for a full export) and
    returns the event.  ``queryset`` is the rows as exported (after ``export_scope``)."""
    return record_access(
        actor=user,
        action=Action.EXPORT_FULL if mode == Mode.FULL else Action.EXPORT_MASKED,
        subjects=_exported_people(resource.name, queryset, user, mode),
        organization=organization,
        resource=resource.name,
        filters=filters,
        row_count=queryset.count(),
        purpose=purpose,
    )


def export_file_rows(resource, queryset, user, *, mode=Mode.MASKED, purpose="", filters=None, organization=None):
    """The one door out for rows of personal data.  Checks that the user may export the type in
    that mode (``PermissionDenied``), that a full export states its purpose
    (``ValidationError`` on ``purpose``), narrows ``queryset`` to ``export_scope``, records the
    export before any row leaves, and returns the rows (header first) for ``exporter.csv_stream``
    or ``exporter.xlsx_file``.  ``filters`` ({name: shown value}) and ``organization`` say how
    the caller narrowed the rows, for the record."""
    mode = Mode(mode)
    if not may_export(user, resource.name, mode):
        raise PermissionDenied
    if mode == Mode.FULL and not (purpose or "").strip():
        raise ValidationError({"purpose": _("完整导出须填写用途。")})
    queryset = export_scope(queryset, user, mode)
    record_export(
        resource=resource,
        queryset=queryset,
        user=user,
        mode=mode,
        filters=filters,
        organization=organization,
        purpose=purpose,
    )
    return export_rows(resource, queryset, user, mode=mode)
