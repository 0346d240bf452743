"""What an import tells the person who uploaded the sheet once it ends (core.notifications:
in the portal and by email, once per outcome).  A large sheet is checked and imported by the
worker while the person may have left the page; the notice says how it ended and links to the
job's page (which shows the rows and the rejected-rows sheet to that person only)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.mail import email_language
from core.models import Notification
from core.notifications import notify

from .models import ImportJob

ANNOUNCED = (ImportJob.Status.DONE, ImportJob.Status.REJECTED, ImportJob.Status.FAILED)


def notify_job_ended(job: ImportJob) -> list[Notification]:
    """Tells the uploader that ``job`` was imported, rejected or failed (other statuses: nothing)."""
    if job.status not in ANNOUNCED:
        return []
    summary = job.summary or {}
    values = {"name": job.original_name, "resource": job.resource_label}
    with email_language():
        if job.status == ImportJob.Status.DONE:
            text = _(
                "导入“%(name)s”（%(resource)s）已完成：新增 %(new)s 条，更新 %(updated)s 条，无变化 %(unchanged)s 条。"
            ) % {
                **values,
                "new": summary.get("new", 0),
                "updated": summary.get("updated", 0),
                "unchanged": summary.get("unchanged", 0),
            }
        elif job.status == ImportJob.Status.REJECTED:
            if summary.get("rejected"):
                text = _(
                    "导入“%(name)s”（%(resource)s）已拒绝：%(n)s 行有错误，全部未导入。请下载错误行，修改后重新上传。"
                ) % {
                    **values,
                    "n": summary["rejected"],
                }
            else:
                text = _("导入“%(name)s”（%(resource)s）已拒绝：文件未通过检查，全部未导入。") % values
        else:
            text = _("导入“%(name)s”（%(resource)s）失败（系统错误），全部未导入。") % values
            if job.retryable:
                text += _("可以在导入页面点击“重试”。")
    return notify(
        users=[job.user],
        kind=f"import_{job.status}",
        text=text,
        url=reverse("spreadsheets:job", args=[job.pk]),
        key=f"spreadsheets.job:{job.pk}:{job.status}:{job.updated_at.isoformat()}",
    )
