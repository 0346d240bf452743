"""Celery entry points of the projects app (enqueued with ``delay_on_commit``).

The mails name the project and the period, never the narrative."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from organizations.models import Membership


def _load(report_id):
    from .models import ProjectReport

    return ProjectReport.objects.select_related("project__organization").filter(pk=report_id).first()


def _period(report):
    return _("%(a)s 至 %(b)s") % {"a": report.period_start.isoformat(), "b": report.period_end.isoformat()}


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def notify_report_submitted(report_id):
    """Tells the federation staff that a report waits for review."""
    report = _load(report_id)
    if report is None or report.status != "submitted":
        return 0
    recipients = list(
        User.objects.filter(role=User.Role.STAFF, is_active=True).exclude(email="").values_list("email", flat=True)
    )
    if not recipients:
        return 0
    subject = _("【兰馨HUI】待审核：%(project)s 进展报告") % {"project": report.project.name}
    body = _("%(org)s 提交了项目“%(project)s”%(period)s 的进展报告，请审核：%(path)s") % {
        "org": report.project.organization.name,
        "project": report.project.name,
        "period": _period(report),
        "path": reverse("projects:report_detail", args=[report.pk]),
    }
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def notify_report_reviewed(report_id):
    """Tells the undertaking organization's admins that their report was approved or returned."""
    report = _load(report_id)
    if report is None or report.status not in ("approved", "returned"):
        return 0
    recipients = list(
        Membership.objects.filter(
            organization=report.project.organization, role=Membership.Role.ADMIN, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    if not recipients:
        return 0
    if report.status == "approved":
        subject = _("【兰馨HUI】进展报告已通过：%(project)s") % {"project": report.project.name}
        body = _("项目“%(project)s”%(period)s 的进展报告已审核通过。") % {
            "project": report.project.name,
            "period": _period(report),
        }
    else:
        subject = _("【兰馨HUI】进展报告被退回：%(project)s") % {"project": report.project.name}
        body = _(
            "项目“%(project)s”%(period)s 的进展报告被退回，请根据审核意见修改后重新提交。\n审核意见：%(comment)s"
        ) % {
            "project": report.project.name,
            "period": _period(report),
            "comment": report.review_comment,
        }
    body += "\n" + reverse("projects:report_detail", args=[report.pk])
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
