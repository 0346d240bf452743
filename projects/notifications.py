"""What the project report review tells people (core.notifications.notify: in the portal and by
email with the same text, written in the transaction of the change they announce, once per
event).  They name the project and the period, never the narrative; the link leads to the
report."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from core.mail import email_language
from core.models import Notification
from core.notifications import notify
from organizations.models import Membership

from .models import ProjectReport


def _period(report: ProjectReport) -> str:
    return _("%(a)s 至 %(b)s") % {"a": report.period_start.isoformat(), "b": report.period_end.isoformat()}


def _path(report: ProjectReport) -> str:
    return reverse("projects:report_detail", args=[report.pk])


def notify_report_submitted(report: ProjectReport) -> list[Notification]:
    """Tells the federation staff that a report waits for review."""
    with email_language():
        subject = _("【兰馨HUI】待审核：%(project)s 进展报告") % {"project": report.project.name}
        text = _("%(org)s 提交了项目“%(project)s”%(period)s 的进展报告，请审核。") % {
            "org": report.project.organization.name,
            "project": report.project.name,
            "period": _period(report),
        }
    return notify(
        users=User.objects.filter(role=User.Role.STAFF),
        kind="report_submitted",
        text=text,
        url=_path(report),
        # report_submit sets submitted_at before it calls this.
        key=f"projects.report-submitted:{report.pk}:{report.submitted_at.isoformat()}",  # type: ignore[union-attr]
        subject=subject,
    )


def notify_report_reviewed(report: ProjectReport) -> list[Notification]:
    """Tells the undertaking organization's admins that their report was approved or returned
    (with the reviewer's comment)."""
    admins = User.objects.filter(
        memberships__organization=report.project.organization, memberships__role=Membership.Role.ADMIN
    )
    with email_language():
        if report.status == "approved":
            subject = _("【兰馨HUI】进展报告已通过：%(project)s") % {"project": report.project.name}
            text = _("项目“%(project)s”%(period)s 的进展报告已审核通过。") % {
                "project": report.project.name,
                "period": _period(report),
            }
        else:
            subject = _("【兰馨HUI】进展报告被退回：%(project)s") % {"project": report.project.name}
            text = _(
                "项目“%(project)s”%(period)s 的进展报告被退回，请根据审核意见修改后重新提交。\n审核意见：%(comment)s"
            ) % {
                "project": report.project.name,
                "period": _period(report),
                "comment": report.review_comment,
            }
    return notify(
        users=admins,
        kind=f"report_{report.status}",
        text=text,
        url=_path(report),
        # The review sets reviewed_at before it calls this.
        key=f"projects.report-{report.status}:{report.pk}:{report.reviewed_at.isoformat()}",  # type: ignore[union-attr]
        subject=subject,
    )
