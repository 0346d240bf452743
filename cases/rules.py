"""The rules of mediation cases (调解案件) and their parties (当事人), for every door: the page
forms, the services and each import row.

Case
* 案件类别, 案件来源: one of the fixed choices.  承办组织: required; fixed once the case exists.
* 受理日期: required, not in the future, not before 2000, not after the closing date.
* 状态: changes only along the workflow table (``workflow.py``) through
  ``services.case_transition``, each step leaving a 状态变更 timeline entry.  A new case starts
  at 受理; one recorded at a later status (an import of past cases) is moved there step by
  step (``workflow.steps_between``).  An ended case (调解成功, 调解失败, 转介, 撤回) is reopened
  only by staff, on its page, with a reason (``services.case_reopen``): never by a sheet or an
  edit.
* Closing (调解成功, 调解失败, 转介) needs 结案日期 (between the received date and today) and
  调解结果; withdrawing needs a reason.  结案日期 and 调解结果 change only with the status.
* Who: staff for any organization; the members of the handling organization for its cases.

Party
* 姓名: required, at most 50 characters; 身份: 申请人 or 被申请人; 联系电话: the one phone rule.
* Parties are added by the case's workers; they are removed only by the explicit 移除 action on
  the case page (``services.party_remove``), never by an import or an edit.

Nothing here reads the database except whether a new case's organization is active and, when
not given, a party's case."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from core.rules import EARLIEST_RECORD_DATE, NON_FIELD, Errors, RuleSet, Values, changed, merged, register
from organizations.access import Actor, Who
from organizations.models import Organization
from organizations.validators import phone_error

from . import workflow
from .models import CaseParty, MediationCase

S = MediationCase.Status

CASE_FIELDS = (
    "number",
    "organization_id",
    "category",
    "source",
    "received_date",
    "status",
    "closed_date",
    "outcome",
    "summary",
)
# Changed by the edit form; the status and what goes with it only through the workflow.
EDITABLE_FIELDS = ("category", "source", "received_date", "summary")
WORKFLOW_FIELDS = frozenset({"status", "closed_date", "outcome"})
PARTY_FIELDS = ("case_id", "role", "name", "phone")


def case_fields_editable_by(actor: Who, case: MediationCase | None = None) -> frozenset[str]:
    """A new case: every field, for staff and the members of an organization.  A case on
    record: category, source, received date and summary for its workers, plus status (with
    its closing date and outcome) through the workflow; the handling organization never."""
    actor = Actor.of(actor)
    if case is None:
        return frozenset(CASE_FIELDS) if actor.is_staff or actor.member_org_ids else frozenset()
    if not actor.acts_for(case.organization_id):
        return frozenset()
    return frozenset(EDITABLE_FIELDS) | WORKFLOW_FIELDS


def case_write_errors(values: Values, *, actor: Who, instance: MediationCase | None = None) -> Errors:
    actor = Actor.of(actor)
    if instance is None:
        organization_id = values.get("organization_id")
        if organization_id and not actor.acts_for(organization_id):
            return {NON_FIELD: _("只能为您所在的组织受理案件。")}
        return {}
    if not actor.acts_for(instance.organization_id):
        return {NON_FIELD: _("该案件由其他组织承办，您不能修改。")}
    errors: Errors = {}
    moved = changed(instance, values)
    if "organization_id" in moved:
        errors["organization"] = _("案件的承办组织不能修改。")
    if "number" in moved:
        errors["number"] = _("案件编号不能修改。")
    return errors


def status_errors(values: Values, *, actor: Who, instance: MediationCase | None = None) -> Errors:
    """{field: reason} when ``values`` would move a case's status (or its closing date and
    outcome) outside the workflow; {} otherwise."""
    actor = Actor.of(actor)
    start = instance.status if instance is not None else S.RECEIVED
    status = values.get("status", start)
    if status not in S.values:
        return {"status": _("未知的案件状态“%(s)s”。") % {"s": status}}
    steps = workflow.steps_between(start, status)
    if steps is None:
        if start in workflow.ENDED:
            return {
                "status": _("案件已“%(a)s”，只有妇联工作人员可以在案件页面重新打开（须填写原因），不能在此修改状态。")
                % {"a": S(start).label}
            }
        return {"status": _("案件状态不能从“%(a)s”变为“%(b)s”。") % {"a": S(start).label, "b": S(status).label}}
    if instance is not None and not steps:
        moved = changed(instance, {k: v for k, v in values.items() if k in ("closed_date", "outcome")})
        if moved:
            return {sorted(moved)[0]: _("结案日期和调解结果只能在变更案件状态时填写（案件页面的“变更状态”）。")}
    return {}


def check_case(
    values: Values, *, actor: Who, instance: MediationCase | None = None, today: datetime.date | None = None
) -> Errors:
    """{field: message} for a case's values (see the module docstring)."""
    today = today or timezone.localdate()
    record = merged(instance, values, CASE_FIELDS)
    errors: Errors = {}
    if not record.get("organization_id"):
        errors["organization"] = _("请选择承办组织。")
    elif instance is None and not Organization.objects.filter(pk=record["organization_id"], active=True).exists():
        errors["organization"] = _("承办组织已停止运行，不能受理新案件。")
    if record.get("category") not in MediationCase.Category.values:
        errors["category"] = _("请选择案件类别。")
    if record.get("source") and record["source"] not in MediationCase.Source.values:
        errors["source"] = _("请选择案件来源。")
    received = record.get("received_date")
    closed = record.get("closed_date")
    if not received:
        errors["received_date"] = _("请填写受理日期。")
    elif received > today:
        errors["received_date"] = _("受理日期不能晚于今天。")
    elif received < EARLIEST_RECORD_DATE:
        errors["received_date"] = _("受理日期过早，请核对年份。")
    elif closed and received > closed and "closed_date" not in values:
        errors["received_date"] = _("受理日期不能晚于结案日期。")
    errors.update(status_errors(values, actor=actor, instance=instance))
    status = record.get("status") or S.RECEIVED
    status_moves = instance is None or status != instance.status
    if status in workflow.CLOSING and status_moves:
        if not closed:
            errors.setdefault("closed_date", _("结案需要填写结案日期。"))
        if not (record.get("outcome") or "").strip():
            errors.setdefault("outcome", _("结案需要填写调解结果。"))
    if status == S.WITHDRAWN and status_moves and not (record.get("outcome") or "").strip():
        errors.setdefault("outcome", _("撤回需要说明原因。"))
    if closed and received and "closed_date" in values:
        if closed < received:
            errors.setdefault("closed_date", _("结案日期不能早于受理日期（%(d)s）。") % {"d": received.isoformat()})
        elif closed > today:
            errors.setdefault("closed_date", _("结案日期不能晚于今天。"))
    for field, message in case_write_errors(values, actor=actor, instance=instance).items():
        errors.setdefault(field, message)
    return errors


def transition_errors(
    *,
    case: MediationCase,
    to_status: str,
    closed_date: datetime.date | None = None,
    outcome: str | None = "",
    note: str | None = "",
    today: datetime.date | None = None,
) -> Errors:
    """{field: message}: every reason a status step of ``case`` is refused, all at once (the
    status page's form shows them next to their fields in the first round; the service checks
    them again on the locked row).  The step must be in the workflow table; closing (调解成功,
    调解失败, 转介) needs 结案日期 and 调解结果; withdrawing needs a reason (说明 or 调解结果); a
    closing or end date lies between the received date and today."""
    today = today or timezone.localdate()
    errors: Errors = {}
    if to_status not in S.values:
        errors["status"] = _("未知的案件状态“%(s)s”。") % {"s": to_status}
    elif to_status not in workflow.allowed_targets(case.status):
        errors["status"] = _("案件状态不能从“%(a)s”变为“%(b)s”。") % {
            "a": S(case.status).label,
            "b": S(to_status).label,
        }
    if to_status in workflow.CLOSING and closed_date is None:
        errors["closed_date"] = _("结案需要填写结案日期。")
    elif closed_date is not None and closed_date < case.received_date:
        errors["closed_date"] = _("结案日期不能早于受理日期（%(d)s）。") % {"d": case.received_date.isoformat()}
    elif closed_date is not None and closed_date > today:
        errors["closed_date"] = _("结案日期不能晚于今天。")
    if to_status in workflow.CLOSING and not (outcome or "").strip():
        errors["outcome"] = _("结案需要填写调解结果。")
    if to_status == S.WITHDRAWN and not ((note or "").strip() or (outcome or "").strip()):
        errors["note"] = _("撤回需要说明原因。")
    return errors


# --- parties --------------------------------------------------------------------------------


def party_fields_editable_by(
    actor: Who, party: CaseParty | None = None, *, case: MediationCase | None = None
) -> frozenset[str]:
    case = case or (party.case if party is not None else None)
    if case is None or not Actor.of(actor).acts_for(case.organization_id):
        return frozenset()
    return frozenset(PARTY_FIELDS) - {"case_id"}


def party_write_errors(
    values: Values, *, actor: Who, instance: CaseParty | None = None, case: MediationCase | None = None
) -> Errors:
    case = case or (instance.case if instance is not None else None)
    if case is None and values.get("case_id"):
        case = MediationCase.objects.filter(pk=values["case_id"]).first()
    if case is not None and not Actor.of(actor).acts_for(case.organization_id):
        return {NON_FIELD: _("该案件由其他组织承办，您不能修改当事人。")}
    return {}


def check_party(
    values: Values,
    *,
    actor: Who,
    instance: CaseParty | None = None,
    today: datetime.date | None = None,
    case: MediationCase | None = None,
) -> Errors:
    """{field: message} for one party of a case (see the module docstring).  ``case``: the
    case, when the caller has it (None for the parties of a case being opened)."""
    record = merged(instance, values, PARTY_FIELDS)
    errors: Errors = {}
    name = (record.get("name") or "").strip()
    if not name:
        errors["name"] = _("请填写当事人姓名。")
    elif len(name) > 50:
        errors["name"] = _("姓名最多50个字。")
    if record.get("role") not in CaseParty.Role.values:
        errors["role"] = _("请选择身份。")
    message = phone_error(record.get("phone"))
    if message:
        errors["phone"] = message
    for field, message in party_write_errors(values, actor=actor, instance=instance, case=case).items():
        errors.setdefault(field, message)
    return errors


def split_names(value: str | None) -> list[str]:
    """Several names in one field, separated by ，、; or ；."""
    for sep in "，、;；":
        value = (value or "").replace(sep, ",")
    # The loop ran (its string is not empty), so ``value`` is a str here.
    return [name.strip() for name in value.split(",") if name.strip()]  # type: ignore[union-attr]


def opening_party_errors(
    *,
    actor: Who,
    applicant_name: str | None = "",
    applicant_phone: str | None = "",
    respondent_names: str | None = "",
    respondent_phone: str | None = "",
) -> Errors:
    """The parties of a case being opened, checked by ``check_party``, keyed by the opening
    form's fields (applicant_name, applicant_phone, respondent_names, respondent_phone)."""
    errors: Errors = {}
    people = [(CaseParty.Role.APPLICANT, applicant_name, applicant_phone)]
    people += [(CaseParty.Role.RESPONDENT, name, respondent_phone) for name in split_names(respondent_names)]
    for role, name, phone in people:
        if not (name or "").strip() and not (phone or "").strip():
            continue  # no applicant given (the page requires one; a sheet may leave it out)
        found = check_party({"role": role, "name": name, "phone": phone}, actor=actor)
        applicant = role == CaseParty.Role.APPLICANT
        if "name" in found:
            errors.setdefault("applicant_name" if applicant else "respondent_names", found["name"])
        if "phone" in found:
            errors.setdefault("applicant_phone" if applicant else "respondent_phone", found["phone"])
    return errors


CASES = register(
    RuleSet(
        name="cases",
        model=MediationCase,
        check=check_case,
        write_errors=case_write_errors,
        fields_editable_by=case_fields_editable_by,
        fields=CASE_FIELDS,
    )
)
CASE_PARTIES = register(
    RuleSet(
        name="case_parties",
        model=CaseParty,
        check=check_party,
        write_errors=party_write_errors,
        fields_editable_by=party_fields_editable_by,
        fields=PARTY_FIELDS,
    )
)
