"""The rules of organizations and memberships, for every door (page form, service, import row).

Organization (组织)
* 组织名称: required, at most 100 characters, not used by another organization.
* 统一社会信用代码: optional; when given, 18 characters passing the GB 32100 checksum, not used by
  another organization.
* 所属镇街: required.  组织形式: one of the fixed kinds.
* 联系电话: the one phone rule (``validators.phone_error``).
* 成立日期: not in the future, not before 1900.
* 志愿者人数: 0 to 100,000.
* 正常运行 / 停止运行日期: switching an organization off records the day it stopped (the given
  date, else today; not in the future, not before it was founded); switching it back on clears
  the date (``activity_for``).  Past months' figures count it active until that day.
* Who: federation staff create organizations and change every field; an organization's admins
  change their own organization's profile but not whether it is active; nobody else writes.

Membership (组织成员)
* 角色: 组织管理员 or 组织成员.  Staff add admins and members and change a role; an
  organization's admin adds and removes members (not admins) of that organization only.

Uniqueness of name and credit code reads the database (one query each); everything else is
pure."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import field_label
from core.rules import NON_FIELD, Errors, RuleSet, Values, changed, error_key, merged, register

from .access import Actor, Who
from .models import Membership, Organization, OrganizationQuerySet
from .validators import normalize_credit_code, phone_error, validate_credit_code

ORGANIZATION_FIELDS = (
    "name",
    "credit_code",
    "service_areas",
    "kind",
    "town_id",
    "leader_name",
    "phone",
    "founded",
    "volunteer_count",
    "active",
    "deactivated_on",
)
STAFF_ONLY_FIELDS = frozenset({"active", "deactivated_on"})
MAX_VOLUNTEERS = 100_000
EARLIEST_FOUNDED = datetime.date(1900, 1, 1)


def organization_fields_editable_by(actor: Who, organization: Organization | None = None) -> frozenset[str]:
    """Staff: every field; the organization's admins: all but whether it is active; others
    (and anyone but staff for a new organization): none."""
    actor = Actor.of(actor)
    if actor.is_staff:
        return frozenset(ORGANIZATION_FIELDS)
    if organization is not None and actor.is_admin_of(organization.pk):
        return frozenset(ORGANIZATION_FIELDS) - STAFF_ONLY_FIELDS
    return frozenset()


def organization_write_errors(values: Values, *, actor: Who, instance: Organization | None = None) -> Errors:
    actor = Actor.of(actor)
    if instance is None and not actor.is_staff:
        return {NON_FIELD: _("只有妇联工作人员可以新建组织。")}
    if instance is not None and not actor.manages(instance.pk):
        return {NON_FIELD: _("您不能修改该组织的信息。")}
    editable = organization_fields_editable_by(actor, instance)
    errors: Errors = {}
    for name in sorted(changed(instance, values) - editable):
        label = field_label(Organization, error_key(name))
        errors[error_key(name)] = _("只有妇联工作人员可以修改“%(label)s”。") % {"label": label}
    return errors


def check_organization(
    values: Values, *, actor: Who, instance: Organization | None = None, today: datetime.date | None = None
) -> Errors:
    """{field: message} for an organization's values (see the module docstring)."""
    today = today or timezone.localdate()
    record = merged(instance, values, ORGANIZATION_FIELDS)
    errors: Errors = {}
    name = (record.get("name") or "").strip()
    if not name:
        errors["name"] = _("请填写组织名称。")
    elif len(name) > 100:
        errors["name"] = _("组织名称最多100个字。")
    elif "name" in values and _others(instance).filter(name=name).exists():
        errors["name"] = _("已有组织使用该名称。")
    code = normalize_credit_code(record.get("credit_code"))
    if code and "credit_code" in values:
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            errors["credit_code"] = exc.messages[0]
        else:
            if _others(instance).filter(credit_code=code).exists():
                errors["credit_code"] = _("已有组织使用该统一社会信用代码。")
    if not record.get("town_id"):
        errors["town"] = _("请选择所属镇街。")
    if record.get("kind") and record["kind"] not in Organization.Kind.values:
        errors["kind"] = _("请选择组织形式。")
    message = phone_error(record.get("phone"))
    if message:
        errors["phone"] = message
    founded = record.get("founded")
    if founded and founded > today:
        errors["founded"] = _("成立日期不能晚于今天。")
    elif founded and founded < EARLIEST_FOUNDED:
        errors["founded"] = _("成立日期过早，请核对年份。")
    volunteers = record.get("volunteer_count")
    if volunteers is not None and not 0 <= volunteers <= MAX_VOLUNTEERS:
        errors["volunteer_count"] = _("志愿者人数应在0到100000之间。")
    stopped = record.get("deactivated_on")
    if record.get("active") is False and stopped:
        if stopped > today:
            errors["deactivated_on"] = _("停止运行日期不能晚于今天。")
        elif founded and stopped < founded:
            errors["deactivated_on"] = _("停止运行日期不能早于成立日期。")
    for field, message in organization_write_errors(values, actor=actor, instance=instance).items():
        errors.setdefault(field, message)
    return errors


def activity_for(
    values: Mapping[str, Any], instance: Organization | None = None, today: datetime.date | None = None
) -> dict[str, Any]:
    """{"active", "deactivated_on"} to store: an organization switched off keeps the day it
    stopped (the given one, else the stored one, else today); one switched on has none."""
    today = today or timezone.localdate()
    active = values.get("active", instance.active if instance is not None else True)
    if active:
        return {"active": True, "deactivated_on": None}
    stopped = values.get("deactivated_on")
    if not stopped and instance is not None and not instance.active:
        stopped = instance.deactivated_on
    return {"active": False, "deactivated_on": stopped or today}


def _others(instance: Organization | None) -> OrganizationQuerySet:
    queryset = Organization.objects.all()
    return queryset.exclude(pk=instance.pk) if instance is not None and instance.pk else queryset


# --- memberships ----------------------------------------------------------------------------


def membership_fields_editable_by(actor: Who, membership: Membership | None = None) -> frozenset[str]:
    """Staff: the role, either way; an organization's admin adds members (role 组织成员) to
    the own organization and changes no role."""
    actor = Actor.of(actor)
    if actor.is_staff:
        return frozenset({"role"})
    return frozenset()


def membership_write_errors(values: Values, *, actor: Who, instance: Membership | None = None) -> Errors:
    actor = Actor.of(actor)
    organization_id = values.get("organization_id", instance.organization_id if instance is not None else None)
    if not actor.manages(organization_id):
        return {NON_FIELD: _("您不能管理该组织的成员。")}
    role = values.get("role", instance.role if instance is not None else None)
    if instance is None:
        if role == Membership.Role.ADMIN and not actor.is_staff:
            return {"role": _("只有妇联工作人员可以设置组织管理员。")}
        return {}
    if instance.role == Membership.Role.ADMIN and not actor.is_staff:
        return {NON_FIELD: _("只有妇联工作人员可以更改组织管理员。")}
    if "role" in changed(instance, values) and not actor.is_staff:
        return {"role": _("只有妇联工作人员可以更改成员角色。")}
    return {}


def check_membership(
    values: Values, *, actor: Who, instance: Membership | None = None, today: datetime.date | None = None
) -> Errors:
    errors: Errors = {}
    role = values.get("role", instance.role if instance is not None else None)
    if role not in Membership.Role.values:
        errors["role"] = _("请选择角色。")
    for field, message in membership_write_errors(values, actor=actor, instance=instance).items():
        errors.setdefault(field, message)
    return errors


ORGANIZATIONS = register(
    RuleSet(
        name="organizations",
        model=Organization,
        check=check_organization,
        write_errors=organization_write_errors,
        fields_editable_by=organization_fields_editable_by,
        fields=ORGANIZATION_FIELDS,
    )
)
MEMBERSHIPS = register(
    RuleSet(
        name="memberships",
        model=Membership,
        check=check_membership,
        write_errors=membership_write_errors,
        fields_editable_by=membership_fields_editable_by,
        fields=("role",),
    )
)
