"""The rules of referrals (转介), for every door: the page forms and the services.

* 服务对象: required; one the sending organization has on its register, or sees through an
  access grant (a person it received).  转出组织: one the actor belongs to (staff: any);
  接收组织: required, active, not the sending organization.
* 转介原因, 紧急程度: one of the fixed choices.
* Consent first: 本人同意转介日期 (not in the future) and 同意方式 are required to send a
  referral; for a person under 14 on the day, 监护人姓名 and 监护人同意日期 too.  A *request*
  (the duplicate path) is sent without them: the registering organization records them when it
  approves (``workflow.STEPS["approve"]``).
* 状态 and what goes with it (拒绝原因, 办理结果, the times) change only through the workflow
  (``workflow.py``, ``services.referral_step``); a referral on record is not edited.

Reads of the database: whether the organizations are active, and whether the sending
organization has the person (its register, or a grant in force)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import AccessGrant, Beneficiary
from beneficiaries.rules import consent_errors as beneficiary_consent_errors
from core.rules import NON_FIELD, Errors, RuleSet, Values, merged, register
from organizations.access import Actor, Who
from organizations.models import Organization

from .models import Referral

FIELDS = (
    "kind",
    "person_id",
    "from_organization_id",
    "to_organization_id",
    "reason",
    "note",
    "urgency",
    "source_visit_id",
    "source_case_id",
    "consent_date",
    "consent_method",
    "guardian_name",
    "guardian_consent_date",
)
WORKFLOW_FIELDS = frozenset({"status", "reject_reason", "outcome", "to_organization_id"})


def referral_fields_editable_by(actor: Who, referral: Referral | None = None) -> frozenset[str]:
    """A new referral: every field, for staff and organization members.  A referral on record:
    nothing by an edit; its status only through the workflow."""
    actor = Actor.of(actor)
    if referral is None:
        return frozenset(FIELDS) if actor.is_staff or actor.member_org_ids else frozenset()
    return frozenset()


def referral_write_errors(values: Values, *, actor: Who, instance: Referral | None = None) -> Errors:
    actor = Actor.of(actor)
    if instance is not None:
        return {NON_FIELD: _("转介发出后不能修改，只能按流程接收、拒绝、办结或撤回。")}
    kind = values.get("kind") or Referral.Kind.REFERRAL
    speaker = values.get("to_organization_id") if kind == Referral.Kind.REQUEST else values.get("from_organization_id")
    if not (actor.is_staff or actor.member_org_ids):
        return {NON_FIELD: _("您不能发起转介。")}
    if speaker and not actor.acts_for(speaker):
        if kind == Referral.Kind.REQUEST:
            return {"to_organization": _("只能为您所在的组织申请转介。")}
        return {"from_organization": _("只能以您所在的组织名义转介。")}
    return {}


def consent_errors(record: Values, person: Beneficiary | None, today: datetime.date) -> Errors:
    """{field: message} when the consent to share is missing or wrong (see the docstring): the
    registration's consent rule (``beneficiaries.rules.consent_errors``), worded for a referral."""
    return beneficiary_consent_errors(
        record,
        person.birth_date if person is not None else None,
        today,
        missing={
            "consent_date": _("转介前须取得本人同意：请填写同意转介的日期。"),
            "guardian_name": _("未满14周岁的服务对象须由监护人同意转介：请填写监护人姓名。"),
            "guardian_consent_date": _("未满14周岁的服务对象须记录监护人同意转介的日期。"),
        },
    )


def check_referral(
    values: Values,
    *,
    actor: Who,
    instance: Referral | None = None,
    today: datetime.date | None = None,
    person: Beneficiary | None = None,
) -> Errors:
    """{field: message} for a referral's values (see the module docstring).  ``person``: the
    Beneficiary, when the caller has it."""
    today = today or timezone.localdate()
    record = merged(instance, values, FIELDS)
    kind = record.get("kind") or Referral.Kind.REFERRAL
    errors: Errors = {}
    person_id = record.get("person_id")
    if person is None and person_id:
        person = Beneficiary.objects.filter(pk=person_id).first()
    if person is None:
        errors["person"] = _("请选择要转介的服务对象。")
    from_id, to_id = record.get("from_organization_id"), record.get("to_organization_id")
    active = set(
        Organization.objects.filter(pk__in=[i for i in (from_id, to_id) if i], active=True).values_list("pk", flat=True)
    )
    if not from_id:
        errors["from_organization"] = _("请选择转出组织。")
    elif from_id not in active:
        errors["from_organization"] = _("转出组织已停止运行。")
    elif person is not None and kind == Referral.Kind.REFERRAL and person.organization_id != from_id:
        granted = AccessGrant.objects.in_force().filter(person=person, organization_id=from_id).exists()
        if not granted:
            errors["person"] = _("只能转介本组织登记或接收的服务对象。")
    if not to_id:
        errors["to_organization"] = _("请选择接收组织。")
    elif to_id == from_id:
        errors["to_organization"] = _("接收组织不能是转出组织本身。")
    elif to_id not in active:
        errors["to_organization"] = _("接收组织已停止运行，不能接收转介。")
    if record.get("reason") not in Referral.Reason.values:
        errors["reason"] = _("请选择转介原因。")
    if (record.get("urgency") or Referral.Urgency.NORMAL) not in Referral.Urgency.values:
        errors["urgency"] = _("请选择紧急程度。")
    if kind == Referral.Kind.REFERRAL:
        errors.update(consent_errors(record, person, today))
    elif not (record.get("note") or "").strip():
        errors["note"] = _("请说明申请转介的原因和需要提供的服务。")
    for field, message in referral_write_errors(values, actor=actor, instance=instance).items():
        errors.setdefault(field, message)
    return errors


REFERRALS = register(
    RuleSet(
        name="referrals",
        model=Referral,
        check=check_referral,
        write_errors=referral_write_errors,
        fields_editable_by=referral_fields_editable_by,
        fields=FIELDS,
    )
)
