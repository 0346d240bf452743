"""The rules of charity projects (公益项目) and their progress reports (项目进展报告), for every
door: the page form, the service and each import row.

Charity project
* 项目名称: required, at most 100 characters, one name per undertaking organization.
* 承接组织: required (a new project: an active organization).  资助方: optional, not the
  undertaking organization itself, and named only by federation staff.
* 资金来源: one of 政府 / 社会 / 企业.
* 资助金额: 0 to 100,000,000 yuan (1亿, ``MAX_AMOUNT``): the district's largest programmes
  are far below it, so a larger figure is a typing error (the database column would take
  ¥9,999,999,999.99).
* 开始日期 and 结束日期: required; the end not before the start; the start not before 2000;
  at most 10 years long.
* 目标人数: 0 to 1,000,000.
* 状态: set when a project is created (staff may record an existing project at any status);
  afterwards it changes only through the workflow (``workflow.py``: 申报 → 立项 → 实施中 → 结项,
  one step forward at a time; approval and closing by staff, the start of the work also by the
  undertaking organization's admin).  ``check_project`` accepts a new 状态 only when every step
  to it is allowed to the actor; the caller then moves the project with
  ``services.project_transition`` step by step (never by writing the column).
* Who: staff create projects and change every field; the undertaking organization's admins
  change only 项目简介 and 目标人数 of a project not yet closed; nobody else.

Progress report
* 报告期: both dates required, the end not before the start, begun by today, within the
  project's period; one report per period per project.
* Amounts (资金支出, 带动增收): 0 to 100,000,000 yuan; people counts 0 to 1,000,000.
* Written only for a project approved (立项) or later, by the members of the undertaking
  organization, while the report is a draft or returned.

Uniqueness reads the database (one query); the rest is pure."""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import field_label
from core.rules import EARLIEST_RECORD_DATE, NON_FIELD, Errors, RuleSet, Values, changed, error_key, merged, register
from organizations.access import Actor, Who
from organizations.models import Organization

from . import workflow
from .models import CharityProject, ProjectReport

MAX_AMOUNT = Decimal("100000000")
MAX_PEOPLE = 1_000_000
MAX_YEARS = 10

PROJECT_FIELDS = (
    "name",
    "organization_id",
    "funder_id",
    "funding_source",
    "amount",
    "start_date",
    "end_date",
    "target_beneficiaries",
    "status",
    "description",
)
# What an undertaking organization's admin may change on its own project.
ORGANIZATION_FIELDS = frozenset({"description", "target_beneficiaries"})

REPORT_FIELDS = (
    "project_id",
    "period_start",
    "period_end",
    "narrative",
    "people_served",
    "funds_spent",
    "people_employed",
    "income_generated",
)


# --- projects -------------------------------------------------------------------------------


def project_fields_editable_by(actor: Who, project: CharityProject | None = None) -> frozenset[str]:
    """Staff: every field (a new project's status too; afterwards the status moves only
    through the workflow).  The undertaking organization's admins: 项目简介 and 目标人数 of a
    project not yet closed.  Others: none."""
    actor = Actor.of(actor)
    if actor.is_staff:
        fields = frozenset(PROJECT_FIELDS)
        return fields if project is None else fields - {"status"}
    if (
        project is not None
        and actor.is_admin_of(project.organization_id)
        and project.status != CharityProject.Status.COMPLETED
    ):
        return ORGANIZATION_FIELDS
    return frozenset()


def project_write_errors(values: Values, *, actor: Who, instance: CharityProject | None = None) -> Errors:
    actor = Actor.of(actor)
    if instance is None and not actor.is_staff:
        return {NON_FIELD: _("只有妇联工作人员可以新建公益项目。")}
    if instance is not None and not (actor.is_staff or actor.is_admin_of(instance.organization_id)):
        return {NON_FIELD: _("您不能修改该公益项目。")}
    editable = project_fields_editable_by(actor, instance) | {"status"}  # the workflow judges the status
    errors: Errors = {}
    for name in sorted(changed(instance, values) - editable):
        if name == "funder_id":
            errors["funder"] = _("只有妇联工作人员可以指定资助方。")
        else:
            label = field_label(CharityProject, error_key(name))
            errors[error_key(name)] = _("只有妇联工作人员可以修改“%(label)s”。") % {"label": label}
    return errors


def status_errors(values: Values, *, actor: Who, instance: CharityProject | None = None) -> Errors:
    """{"status": reason} when ``values`` would change a project's status in a way the
    workflow does not allow this actor; {} otherwise (see the module docstring)."""
    status = values.get("status")
    if instance is None or status is None or status == instance.status:
        return {}
    steps = workflow.steps_between(instance.status, status)
    if steps is None:
        # A step backwards (or to no status) is never allowed: transition_error gives its reason.
        return {"status": workflow.transition_error(actor, instance, status)}  # type: ignore[dict-item]
    probe = CharityProject(organization_id=instance.organization_id, status=instance.status)
    for step in steps:
        error = workflow.transition_error(actor, probe, step)
        if error:
            return {"status": error}
        probe.status = step
    return {}


def check_project(
    values: Values, *, actor: Who, instance: CharityProject | None = None, today: datetime.date | None = None
) -> Errors:
    """{field: message} for a charity project's values (see the module docstring)."""
    record = merged(instance, values, PROJECT_FIELDS)
    errors: Errors = {}
    name = (record.get("name") or "").strip()
    organization_id = record.get("organization_id")
    if not name:
        errors["name"] = _("请填写项目名称。")
    elif len(name) > 100:
        errors["name"] = _("项目名称最多100个字。")
    if not organization_id:
        errors["organization"] = _("请选择承接组织。")
    elif instance is None and not Organization.objects.filter(pk=organization_id, active=True).exists():
        errors["organization"] = _("承接组织已停止运行，不能新建项目。")
    elif name and "name" not in errors:
        same = CharityProject.objects.filter(name=name, organization_id=organization_id)
        if instance is not None and instance.pk:
            same = same.exclude(pk=instance.pk)
        if same.exists():
            errors["name"] = _("该承接组织已有同名项目。")
    if record.get("funder_id") and record.get("funder_id") == organization_id:
        errors["funder"] = _("资助方不能是承接组织本身。")
    if record.get("funding_source") not in CharityProject.FundingSource.values:
        errors["funding_source"] = _("请选择资金来源。")
    amount = record.get("amount")
    if amount is not None and amount < 0:
        errors["amount"] = _("资助金额不能为负数。")
    elif amount is not None and amount > MAX_AMOUNT:
        errors["amount"] = _("资助金额不能超过1亿元，请核对金额。")
    start, end = record.get("start_date"), record.get("end_date")
    if not start:
        errors["start_date"] = _("请填写开始日期。")
    elif start < EARLIEST_RECORD_DATE:
        errors["start_date"] = _("开始日期过早，请核对年份。")
    if not end:
        errors["end_date"] = _("请填写结束日期。")
    elif start and end < start:
        errors["end_date"] = _("结束日期不能早于开始日期。")
    elif start and end > _years_after(start, MAX_YEARS):
        errors["end_date"] = _("项目周期不能超过10年，请核对日期。")
    target = record.get("target_beneficiaries")
    if target is not None and not 0 <= target <= MAX_PEOPLE:
        errors["target_beneficiaries"] = _("目标人数应在0到100万之间，请核对。")
    if record.get("status") not in CharityProject.Status.values:
        errors["status"] = _("请选择项目状态。")
    else:
        errors.update(status_errors(values, actor=actor, instance=instance))
    for field, message in project_write_errors(values, actor=actor, instance=instance).items():
        errors.setdefault(field, message)
    return errors


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --- progress reports -----------------------------------------------------------------------


def _project_of(
    values: Values, instance: ProjectReport | None = None, project: CharityProject | None = None
) -> CharityProject | None:
    if project is not None:
        return project
    if instance is not None:
        return instance.project
    pk = values.get("project_id")
    return CharityProject.objects.filter(pk=pk).first() if pk else None


def can_write_reports(actor: Who, project: CharityProject) -> bool:
    """The members of the undertaking organization write and submit its reports."""
    actor = Actor.of(actor)
    return not actor.is_staff and project.organization_id in actor.member_org_ids


def report_fields_editable_by(
    actor: Who, report: ProjectReport | None = None, *, project: CharityProject | None = None
) -> frozenset[str]:
    project = _project_of({}, report, project)
    if project is None or not can_write_reports(actor, project):
        return frozenset()
    if report is not None and report.status not in ProjectReport.EDITABLE_STATUSES:
        return frozenset()
    return frozenset(REPORT_FIELDS) - ({"project_id"} if report is not None else set())


def report_write_errors(
    values: Values, *, actor: Who, instance: ProjectReport | None = None, project: CharityProject | None = None
) -> Errors:
    project = _project_of(values, instance, project)
    if project is not None and not can_write_reports(actor, project):
        return {NON_FIELD: _("只有承接组织的成员可以填写和修改进展报告。")}
    return {}


def check_report(
    values: Values,
    *,
    actor: Who,
    instance: ProjectReport | None = None,
    today: datetime.date | None = None,
    project: CharityProject | None = None,
) -> Errors:
    """{field: message} for a progress report's values (see the module docstring).
    ``project``: the report's project when the caller has it; else read from
    ``values["project_id"]``."""
    today = today or timezone.localdate()
    record = merged(instance, values, REPORT_FIELDS)
    project = _project_of(values, instance, project)
    errors: Errors = {}
    if project is None:
        errors["project"] = _("未找到该项目。")
    elif instance is None and project.status == CharityProject.Status.DECLARED:
        errors["project"] = _("项目尚未立项，不能填写进展报告。")
    if instance is not None and instance.status not in ProjectReport.EDITABLE_STATUSES:
        errors[NON_FIELD] = _("报告状态为“%(s)s”，不能修改。") % {"s": instance.get_status_display()}
    start, end = record.get("period_start"), record.get("period_end")
    if not start:
        errors["period_start"] = _("请填写报告期开始。")
    if not end:
        errors["period_end"] = _("请填写报告期结束。")
    if start and end and project is not None:
        if end < start:
            errors["period_end"] = _("报告期结束不能早于报告期开始。")
        elif start > today:
            errors["period_start"] = _("报告期还没有开始，不能填写报告。")
        elif end < project.start_date or start > project.end_date:
            errors["period_start"] = _("报告期应在项目周期（%(a)s 至 %(b)s）之内。") % {
                "a": project.start_date.isoformat(),
                "b": project.end_date.isoformat(),
            }
        else:
            same = ProjectReport.objects.filter(project=project, period_start=start, period_end=end)
            if instance is not None and instance.pk:
                same = same.exclude(pk=instance.pk)
            if same.exists():
                errors["period_start"] = _("该项目已有这一报告期的报告。")
    for field in ("funds_spent", "income_generated"):
        value = record.get(field)
        if value is not None and value < 0:
            errors[field] = _("金额不能为负数。")
        elif value is not None and value > MAX_AMOUNT:
            errors[field] = _("金额不能超过1亿元，请核对。")
    for field in ("people_served", "people_employed"):
        value = record.get(field)
        if value is not None and not 0 <= value <= MAX_PEOPLE:
            errors[field] = _("人数应在0到100万之间，请核对。")
    for field, message in report_write_errors(values, actor=actor, instance=instance, project=project).items():
        errors.setdefault(field, message)
    return errors


PROJECTS = register(
    RuleSet(
        name="projects",
        model=CharityProject,
        check=check_project,
        write_errors=project_write_errors,
        fields_editable_by=project_fields_editable_by,
        fields=PROJECT_FIELDS,
    )
)
PROJECT_REPORTS = register(
    RuleSet(
        name="project_reports",
        model=ProjectReport,
        check=check_report,
        write_errors=report_write_errors,
        fields_editable_by=report_fields_editable_by,
        fields=REPORT_FIELDS,
    )
)
