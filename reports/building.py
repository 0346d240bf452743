"""Building a report: one build at a time per report, its progress (the heartbeat the sweeper
reads), its failure as users read it, and the sweeper of builds that died."""

import datetime
import logging

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import outbox
from core.locks import advisory_lock

from .access import scope_for_report
from .figures import figures_for_report
from .files import store_pdf
from .models import MonthlyReport
from .presentation import report_context

logger = logging.getLogger(__name__)

BUILD_TASK = "reports.tasks.build_monthly_report"
MAX_ATTEMPTS = 5  # builds started for one request before it is given up (a report that kills its worker)


class ReportBusy(Exception):
    """Another build of the same report is under way; this one waits for it."""


def build_key(report_id):
    return f"reports.build:{report_id}"


def _start(report_id):
    """Marks the report as being built and returns it, or returns None when its latest request
    is already answered (a message delivered twice) or was tried MAX_ATTEMPTS times."""
    with transaction.atomic():
        report = (
            MonthlyReport.objects.select_for_update(of=("self",))
            .select_related("town", "organization")
            .get(pk=report_id)
        )
        answered = report.started_at and report.requested_at and report.started_at >= report.requested_at
        if report.status == MonthlyReport.Status.DONE and answered:
            return None
        if report.attempts >= MAX_ATTEMPTS:
            report.status = MonthlyReport.Status.FAILED
            report.error = _("报告生成失败：生成过程多次中断。请稍后重试；如仍失败，请联系管理员。")
            report.save()
            return None
        report.started_at, report.attempts = timezone.now(), report.attempts + 1
        report.status, report.progress, report.error = MonthlyReport.Status.RUNNING, 10, ""
        report.save()
        return report


def _set_progress(report_id, **fields):
    # Each step is also the build's heartbeat (updated_at), which the sweeper reads.
    MonthlyReport.objects.filter(pk=report_id).update(updated_at=timezone.now(), **fields)


def build_report(report_id):
    """Renders the PDF of one ``MonthlyReport`` and stores it (``files.store_pdf``).  Builds of
    one report run one at a time (an advisory lock, released even if the worker is killed;
    ReportBusy for the second)."""
    from .pdf import render_pdf

    with advisory_lock(build_key(report_id)) as acquired:
        if not acquired:
            raise ReportBusy(report_id)
        report = _start(report_id)
        if report is None:
            return None
        scope = scope_for_report(report)
        context = report_context(report.month, scope, figures=figures_for_report(report.month, scope))
        _set_progress(report_id, progress=40)
        pdf = render_pdf(context)
        _set_progress(report_id, progress=90)
        return store_pdf(report, pdf)


def failure_message(exc):
    """A failure as users read it: Chinese, no stack trace (the trace goes to the log)."""
    from celery.exceptions import SoftTimeLimitExceeded

    from .pdf import RefusedURL

    if isinstance(exc, SoftTimeLimitExceeded):
        reason = _("生成时间过长，已停止。")
    elif isinstance(exc, DatabaseError):
        reason = _("数据库暂时无法访问。")
    elif isinstance(exc, RefusedURL):
        reason = _("报告模板引用了不允许加载的资源。")
    elif isinstance(exc, OSError):
        reason = _("报告文件无法保存。")
    elif isinstance(exc, MonthlyReport.DoesNotExist):
        reason = _("报告记录已被删除。")
    else:
        reason = _("生成报告时发生内部错误。")
    return _("报告生成失败：%(reason)s请稍后重新生成；如仍失败，请联系管理员。") % {"reason": reason}


def mark_failed(report_id, exc):
    logger.error("monthly report %s failed", report_id, exc_info=exc)
    try:
        MonthlyReport.objects.filter(pk=report_id).update(
            status=MonthlyReport.Status.FAILED, error=failure_message(exc), updated_at=timezone.now()
        )
    except DatabaseError:
        logger.exception("could not record the failure of monthly report %s", report_id)


INTERRUPTED = gettext_lazy("报告生成中断（处理程序停止运行）。可以点击“重试”重新生成。")


def reports_sweep_stuck(*, now=None):
    """Reports whose build stopped without a word (its worker was killed): building with no
    progress for REPORT_STUCK_AFTER seconds, or queued for QUEUED_STUCK_AFTER seconds while no
    message for them waits in the outbox (the broker lost it).  They are marked failed, to be
    retried from their page.  Returns how many."""
    now = now or timezone.now()
    waiting = [int(key.rsplit(":", 1)[1]) for key in outbox.pending_keys(prefix="reports.build:")]
    stuck = MonthlyReport.objects.filter(
        Q(
            status=MonthlyReport.Status.RUNNING,
            updated_at__lt=now - datetime.timedelta(seconds=settings.REPORT_STUCK_AFTER),
        )
        | Q(
            status=MonthlyReport.Status.PENDING,
            updated_at__lt=now - datetime.timedelta(seconds=settings.QUEUED_STUCK_AFTER),
        )
    ).exclude(pk__in=waiting)
    with translation.override(settings.LANGUAGE_CODE):
        count = stuck.update(status=MonthlyReport.Status.FAILED, error=str(INTERRUPTED), updated_at=now)
    if count:
        logger.warning("marked %d stuck monthly report(s) as failed", count)
    return count
