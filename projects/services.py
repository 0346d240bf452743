"""Writes about charity projects and their progress reports.  The rules are in ``rules.py``
(shared with the page forms and the imports), the project workflow in ``workflow.py``; each
service takes keyword-only explicit arguments, owns its transaction and checks the rules again.

Report review cycle:  draft → submitted → approved (locked)
                                        ↘ returned (with a comment) → (revised) → submitted …
The undertaking organization's members write, edit and submit; staff approve or return.
"""

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.files import delete_attachment_file, store_attachment
from core.roles import AnyUser
from core.rules import Values, as_values, checked_update, raise_errors, require_permission, save_values
from core.versioning import UNCHANGED, Unchanged, bump, given
from organizations.access import Actor, Who, is_staff
from organizations.models import Organization

from . import rules, workflow
from .models import CharityProject, ProjectReport, ReportAttachment
from .notifications import notify_report_reviewed, notify_report_submitted

can_write_reports = rules.can_write_reports


def report_is_editable(report: ProjectReport) -> bool:
    return report.status in ProjectReport.EDITABLE_STATUSES


# --- projects -------------------------------------------------------------------------------


def _project_values(data: Mapping[str, Any]) -> Values:
    values = as_values(CharityProject, data)
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
    for name in ("amount", "target_beneficiaries"):
        if name in values and values[name] is None:
            values[name] = 0
    return values


@transaction.atomic
def project_create(
    *,
    actor: AnyUser,
    name: str,
    organization: Organization,
    funding_source: str,
    start_date: datetime.date,
    end_date: datetime.date,
    funder: Organization | None = None,
    amount: Decimal | int | None = 0,
    target_beneficiaries: int | None = 0,
    status: str = CharityProject.Status.DECLARED,
    description: str = "",
) -> CharityProject:
    """Creates a project (staff only; an existing project may be recorded at any status)."""
    values = _project_values(
        {
            "name": name,
            "organization": organization,
            "funder": funder,
            "funding_source": funding_source,
            "amount": amount,
            "start_date": start_date,
            "end_date": end_date,
            "target_beneficiaries": target_beneficiaries,
            "status": status,
            "description": description,
        }
    )
    require_permission(rules.project_write_errors(values, actor=actor))
    raise_errors(rules.check_project(values, actor=actor))
    return save_values(CharityProject(), values, actor=actor)


@transaction.atomic
def project_update(
    *,
    project: CharityProject,
    actor: AnyUser,
    version: int | str | None,
    name: str | Unchanged = UNCHANGED,
    organization: Organization | Unchanged = UNCHANGED,
    funder: Organization | None | Unchanged = UNCHANGED,
    funding_source: str | Unchanged = UNCHANGED,
    amount: Decimal | int | None | Unchanged = UNCHANGED,
    start_date: datetime.date | Unchanged = UNCHANGED,
    end_date: datetime.date | Unchanged = UNCHANGED,
    target_beneficiaries: int | None | Unchanged = UNCHANGED,
    description: str | Unchanged = UNCHANGED,
) -> CharityProject:
    """Changes a project from a form loaded at ``version`` (a stale save is refused with what
    changed since).  Staff change every field but the status (``project_transition``); the
    undertaking organization's admins its description and target only."""
    values = _project_values(
        given(
            name=name,
            organization=organization,
            funder=funder,
            funding_source=funding_source,
            amount=amount,
            start_date=start_date,
            end_date=end_date,
            target_beneficiaries=target_beneficiaries,
            description=description,
        )
    )
    fresh = checked_update(project, version, values, ruleset=rules.PROJECTS, actor=actor, noun=_("项目"))
    return save_values(fresh, values, actor=actor)


@transaction.atomic
def project_transition(*, project: CharityProject, actor: Who, to_status: str) -> CharityProject:
    """Moves a project one step along the workflow (``workflow.py``), by whom the table
    allows; the version is bumped so that an edit form opened before is refused."""
    locked = CharityProject.objects.select_for_update().get(pk=project.pk)
    _require_workflow_actor(actor, locked)
    error = workflow.transition_error(actor, locked, to_status)
    if error:
        raise ValidationError({"status": error})
    bump(locked)
    # ``actor``: a user, or an Actor (an import's; the shell's has no user).
    user = actor.user if isinstance(actor, Actor) else actor
    return save_values(locked, {"status": to_status}, actor=user)


def _require_workflow_actor(actor: Who, project: CharityProject) -> None:
    """Staff and the undertaking organization's admins may take steps (which ones: the table)."""
    if not Actor.of(actor).manages(project.organization_id):
        raise PermissionDenied


@transaction.atomic
def project_advance(*, project: CharityProject, actor: Who) -> CharityProject:
    """The workflow button of the project page: the next step from the stored status."""
    _require_workflow_actor(actor, project)
    current = CharityProject.objects.values_list("status", flat=True).get(pk=project.pk)
    to_status = workflow.next_status(current)
    if to_status is None:
        raise ValidationError({"status": _("项目已结项，不能再推进。")})
    return project_transition(project=project, actor=actor, to_status=to_status)


# --- reports --------------------------------------------------------------------------------


def _report_values(data: Mapping[str, Any]) -> Values:
    values = as_values(ProjectReport, data)
    for name in ("people_served", "funds_spent", "people_employed", "income_generated"):
        if name in values and values[name] is None:
            values[name] = 0
    return values


@transaction.atomic
def report_create(
    *,
    project: CharityProject,
    actor: User,
    period_start: datetime.date,
    period_end: datetime.date,
    narrative: str = "",
    people_served: int | None = 0,
    funds_spent: Decimal | int | None = 0,
    people_employed: int | None = 0,
    income_generated: Decimal | int | None = 0,
) -> ProjectReport:
    """A draft report for a period by a member of the undertaking organization, for a project
    that has been approved (立项 or later)."""
    values = _report_values(
        {
            "period_start": period_start,
            "period_end": period_end,
            "narrative": narrative,
            "people_served": people_served,
            "funds_spent": funds_spent,
            "people_employed": people_employed,
            "income_generated": income_generated,
        }
    )
    values["project_id"] = project.pk
    require_permission(rules.report_write_errors(values, actor=actor, project=project))
    raise_errors(rules.check_report(values, actor=actor, project=project))
    report = ProjectReport(created_by=actor, status=ProjectReport.Status.DRAFT)
    try:
        with transaction.atomic():
            save_values(report, values, actor=actor)
    except IntegrityError:
        raise ValidationError({"period_start": _("该项目已有这一报告期的报告。")}) from None
    return report


def _lock_report(report: ProjectReport) -> ProjectReport:
    return ProjectReport.objects.select_for_update().select_related("project").get(pk=report.pk)


@transaction.atomic
def report_update(
    *,
    report: ProjectReport,
    actor: AnyUser,
    version: int | str | None,
    period_start: datetime.date | Unchanged = UNCHANGED,
    period_end: datetime.date | Unchanged = UNCHANGED,
    narrative: str | Unchanged = UNCHANGED,
    people_served: int | None | Unchanged = UNCHANGED,
    funds_spent: Decimal | int | None | Unchanged = UNCHANGED,
    people_employed: int | None | Unchanged = UNCHANGED,
    income_generated: Decimal | int | None | Unchanged = UNCHANGED,
) -> ProjectReport:
    """Edits a draft or returned report from a form loaded at ``version`` (a stale save is
    refused with what changed since); submitted reports wait for review and approved ones are
    locked."""
    values = _report_values(
        given(
            period_start=period_start,
            period_end=period_end,
            narrative=narrative,
            people_served=people_served,
            funds_spent=funds_spent,
            people_employed=people_employed,
            income_generated=income_generated,
        )
    )
    fresh = checked_update(
        report,
        version,
        values,
        ruleset=rules.PROJECT_REPORTS,
        actor=actor,
        noun=_("进展报告"),
        queryset=ProjectReport.objects.select_related("project"),
    )
    return save_values(fresh, values, actor=actor)


@transaction.atomic
def report_submit(*, report: ProjectReport, actor: User) -> ProjectReport:
    """Draft or returned → submitted; staff are told by email after commit."""
    locked = _lock_report(report)
    if not can_write_reports(actor, locked.project):
        raise PermissionDenied
    if not report_is_editable(locked):
        raise ValidationError(_("报告状态为“%(s)s”，不能提交。") % {"s": locked.get_status_display()})
    if not locked.narrative.strip():
        raise ValidationError({"narrative": _("提交前请填写进展情况。")})
    locked.status = ProjectReport.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    bump(locked)
    locked._history_user = actor
    locked.save()
    notify_report_submitted(locked)
    return locked


def _review(report: ProjectReport, actor: User, status: str, comment: str) -> ProjectReport:
    if not is_staff(actor):
        raise PermissionDenied
    locked = _lock_report(report)
    if locked.status != ProjectReport.Status.SUBMITTED:
        raise ValidationError(_("只有已提交的报告可以审核，本报告状态为“%(s)s”。") % {"s": locked.get_status_display()})
    locked.status = status
    locked.review_comment = comment
    locked.reviewer = actor
    locked.reviewed_at = timezone.now()
    bump(locked)
    locked._history_user = actor
    locked.save()
    notify_report_reviewed(locked)
    return locked


@transaction.atomic
def report_approve(*, report: ProjectReport, actor: User, comment: str | None = "") -> ProjectReport:
    """Submitted → approved (staff); the report is locked from then on."""
    return _review(report, actor, ProjectReport.Status.APPROVED, (comment or "").strip())


@transaction.atomic
def report_return(*, report: ProjectReport, actor: User, comment: str | None) -> ProjectReport:
    """Submitted → returned with the reviewer's comment (required), for the organization to
    revise and resubmit."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"review_comment": _("退回报告需要填写审核意见。")})
    return _review(report, actor, ProjectReport.Status.RETURNED, comment)


@transaction.atomic
def report_attachment_add(*, report: ProjectReport, actor: User, upload: "UploadedFile[bytes]") -> ReportAttachment:
    """Attaches a PDF, JPEG or PNG (10 MB at most) to a report that can still be edited."""
    locked = _lock_report(report)
    if not can_write_reports(actor, locked.project):
        raise PermissionDenied
    if not report_is_editable(locked):
        raise ValidationError(_("报告状态为“%(s)s”，不能添加附件。") % {"s": locked.get_status_display()})
    relative, content_type = store_attachment(upload, "reports")
    try:
        return ReportAttachment.objects.create(
            report=locked,
            file=relative,
            original_name=(upload.name or "")[-200:],
            content_type=content_type,
            size=upload.size,  # type: ignore[misc]  # never None: store_attachment refused an empty file
            uploaded_by=actor,
        )
    except Exception:
        delete_attachment_file(relative)
        raise
