"""The emails of the project report review, written in the transaction of the change they
announce and sent once after it commits (core.mail).  They name the project and the period,
never the narrative; the link takes the reader to the report."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from core.mail import absolute_url, email_language, send_email
from organizations.models import Membership


def _period(report):
    return _("%(a)s 至 %(b)s") % {"a": report.period_start.isoformat(), "b": report.period_end.isoformat()}


def _link(report):
    return absolute_url(reverse("projects:report_detail", args=[report.pk]))


def notify_report_submitted(report):
    """Tells the federation staff that a report waits for review."""
    recipients = User.objects.filter(role=User.Role.STAFF, is_active=True).exclude(email="")
    with email_language():
        subject = _("【兰馨HUI】待审核：%(project)s 进展报告") % {"project": report.project.name}
        body = _("%(org)s 提交了项目“%(project)s”%(period)s 的进展报告，请审核：%(path)s") % {
            "org": report.project.organization.name,
            "project": report.project.name,
            "period": _period(report),
            "path": _link(report),
        }
    return send_email(
        key=f"projects.report-submitted:{report.pk}:{report.submitted_at.isoformat()}",
        to=recipients.values_list("email", flat=True),
        subject=subject,
        body=body,
    )


def notify_report_reviewed(report):
    """Tells the undertaking organization's admins that their report was approved or returned."""
    recipients = Membership.objects.filter(
        organization=report.project.organization, role=Membership.Role.ADMIN, user__is_active=True
    ).values_list("user__email", flat=True)
    with email_language():
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
    return send_email(
        key=f"projects.report-{report.status}:{report.pk}:{report.reviewed_at.isoformat()}",
        to=recipients,
        subject=subject,
        body=body + "\n" + _link(report),
    )
