"""Statistics and monthly reports.  The dashboard shows aggregates to every signed-in role (an
organization user: their own organization's); a report of organization A is A's and staff's
only (leaders get district and town reports, not organization ones)."""

import datetime

from . import Rule, login_only, org_scoped


def build(world):
    from django.conf import settings

    from reports.models import MonthlyReport

    root = settings.REPORT_STORAGE_ROOT
    root.mkdir(parents=True, exist_ok=True)
    (root / "walker-a.pdf").write_bytes(b"%PDF-1.7 walker")
    report = MonthlyReport.objects.create(
        scope_kind="organization",
        scope_key=f"org:{world.org_a.pk}",
        organization=world.org_a,
        month=datetime.date(2026, 3, 1),
        status="done",
        progress=100,
        file="walker-a.pdf",
    )
    world.set(report_a=report)


def _report(w):
    return {"pk": w.report_a.pk}


RULES = {
    "reports:dashboard": login_only(),
    "reports:report_list": login_only(),
    "reports:report_status": org_scoped(_report),
    "reports:report_progress": org_scoped(_report),
    "reports:report_download": org_scoped(_report),
    # Retrying a failed build: whoever may see (and so ask for) the report; this one is built,
    # so the allowed roles are sent back to its page with a message.
    "reports:report_retry": Rule(
        expect={"anon": 302, "staff": 302, "leader": 404, "admin_a": 302, "member_a": 302, "member_b": 404},
        kwargs=_report,
        method="post",
    ),
}
