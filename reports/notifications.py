"""What a monthly report tells the person who asked for it (core.notifications: in the portal
and by email, once per request): the PDF is ready, with a link to its page, which checks access
again.  A report built by beat (nobody asked) tells nobody."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.mail import email_language
from core.notifications import notify


def notify_report_ready(report, scope):
    if report.requested_by_id is None:
        return []
    with email_language():
        text = _("%(month)s %(scope)s月度报告（PDF）已生成，可以下载。") % {
            "month": _("%(y)s年%(m)s月") % {"y": report.month.year, "m": report.month.month},
            "scope": scope.name,
        }
    requested = report.requested_at.isoformat() if report.requested_at else "-"
    return notify(
        users=[report.requested_by],
        kind="pdf_ready",
        text=text,
        url=reverse("reports:report_status", args=[report.pk]),
        key=f"reports.ready:{report.pk}:{requested}",
    )
