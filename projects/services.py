"""Writes about charity projects and their progress reports.

Report review cycle:  draft → submitted → approved (locked)
                                        ↘ returned (with a comment) → (revised) → submitted …
The undertaking organization's members write, edit and submit; staff approve or return.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.files import delete_attachment_file, store_attachment
from organizations.access import can_act_for, is_member_of, is_staff

from .models import CharityProject, ProjectReport, ReportAttachment
from .notifications import notify_report_reviewed, notify_report_submitted

PROJECT_STATUS_ORDER = [s.value for s in CharityProject.Status]
REPORT_FIELDS = (
    "period_start",
    "period_end",
    "narrative",
    "people_served",
    "funds_spent",
    "people_employed",
    "income_generated",
)


def last_month(today=None):
    """(first day, last day) of the month before ``today``."""
    today = today or timezone.localdate()
    end = today.replace(day=1) - datetime.timedelta(days=1)
    return end.replace(day=1), end


def can_write_reports(user, project):
    """Members of the undertaking organization write and submit its reports."""
    return is_member_of(user, project.organization_id)


def can_read_report_details(user, project):
    """Narratives and attachments: the undertaking organization and staff (not leaders, not
    the funder's members, who see approved figures)."""
    return can_act_for(user, project.organization_id)


def report_is_editable(report):
    return report.status in ProjectReport.EDITABLE_STATUSES


# --- projects -------------------------------------------------------------------------------


@transaction.atomic
def project_save(*, form, actor):
    """Creates or edits a project from a form (staff only)."""
    if not is_staff(actor):
        raise PermissionDenied
    project = form.save(commit=False)
    project._history_user = actor
    project.save()
    return project


@transaction.atomic
def project_advance(*, project, actor):
    """Moves a project one step: 申报 → 立项 → 实施中 → 结项 (staff only)."""
    if not is_staff(actor):
        raise PermissionDenied
    locked = CharityProject.objects.select_for_update().get(pk=project.pk)
    index = PROJECT_STATUS_ORDER.index(locked.status)
    if index + 1 >= len(PROJECT_STATUS_ORDER):
        raise ValidationError({"status": _("项目已结项，不能再推进。")})
    locked.status = PROJECT_STATUS_ORDER[index + 1]
    locked._history_user = actor
    locked.save()
    return locked


# --- reports --------------------------------------------------------------------------------


def _validate_report(project, data, exclude_pk=None):
    errors = {}
    start, end = data.get("period_start"), data.get("period_end")
    if start and end:
        if end < start:
            errors["period_end"] = _("报告期结束不能早于报告期开始。")
        elif start > timezone.localdate():
            errors["period_start"] = _("报告期还没有开始，不能填写报告。")
        elif end < project.start_date or start > project.end_date:
            errors["period_start"] = _("报告期应在项目周期（%(a)s 至 %(b)s）之内。") % {
                "a": project.start_date.isoformat(),
                "b": project.end_date.isoformat(),
            }
        elif (
            ProjectReport.objects.filter(project=project, period_start=start, period_end=end)
            .exclude(pk=exclude_pk)
            .exists()
        ):
            errors["period_start"] = _("该项目已有这一报告期的报告。")
    for field in ("funds_spent", "income_generated"):
        if data.get(field) is not None and data[field] < 0:
            errors[field] = _("金额不能为负数。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def report_create(*, project, actor, **data):
    """A draft report for a period by a member of the undertaking organization, for a project
    that has been approved (立项 or later)."""
    if not can_write_reports(actor, project):
        raise PermissionDenied
    if project.status == CharityProject.Status.DECLARED:
        raise ValidationError({"project": _("项目尚未立项，不能填写进展报告。")})
    _validate_report(project, data)
    report = ProjectReport(
        project=project,
        created_by=actor,
        status=ProjectReport.Status.DRAFT,
        **{k: v for k, v in data.items() if k in REPORT_FIELDS},
    )
    report._history_user = actor
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError({"period_start": _("该项目已有这一报告期的报告。")}) from None
    return report


def _lock_report(report):
    return ProjectReport.objects.select_for_update().select_related("project").get(pk=report.pk)


@transaction.atomic
def report_update(*, report, actor, **data):
    """Edits a draft or returned report; submitted reports wait for review and approved ones
    are locked."""
    locked = _lock_report(report)
    if not can_write_reports(actor, locked.project):
        raise PermissionDenied
    if not report_is_editable(locked):
        raise ValidationError(_("报告状态为“%(s)s”，不能修改。") % {"s": locked.get_status_display()})
    _validate_report(locked.project, data, exclude_pk=locked.pk)
    for field, value in data.items():
        if field in REPORT_FIELDS:
            setattr(locked, field, value)
    locked._history_user = actor
    locked.save()
    return locked


@transaction.atomic
def report_submit(*, report, actor):
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
    locked._history_user = actor
    locked.save()
    notify_report_submitted(locked)
    return locked


def _review(report, actor, status, comment):
    if not is_staff(actor):
        raise PermissionDenied
    locked = _lock_report(report)
    if locked.status != ProjectReport.Status.SUBMITTED:
        raise ValidationError(_("只有已提交的报告可以审核，本报告状态为“%(s)s”。") % {"s": locked.get_status_display()})
    locked.status = status
    locked.review_comment = comment
    locked.reviewer = actor
    locked.reviewed_at = timezone.now()
    locked._history_user = actor
    locked.save()
    notify_report_reviewed(locked)
    return locked


@transaction.atomic
def report_approve(*, report, actor, comment=""):
    """Submitted → approved (staff); the report is locked from then on."""
    return _review(report, actor, ProjectReport.Status.APPROVED, (comment or "").strip())


@transaction.atomic
def report_return(*, report, actor, comment):
    """Submitted → returned with the reviewer's comment (required), for the organization to
    revise and resubmit."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"review_comment": _("退回报告需要填写审核意见。")})
    return _review(report, actor, ProjectReport.Status.RETURNED, comment)


@transaction.atomic
def report_attachment_add(*, report, actor, upload):
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
            size=upload.size,
            uploaded_by=actor,
        )
    except Exception:
        delete_attachment_file(relative)
        raise
