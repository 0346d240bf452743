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
    # Asking for organization A's PDF: staff and A's users; a leader gets the district's
    # (the organization field is not offered to leaders); B's member is shown the form again.
    "reports:report_list": Rule(
        expect={"anon": 302, "staff": 200, "leader": 200, "admin_a": 200, "member_a": 200, "member_b": 200},
        post_expect={"anon": 302, "staff": 302, "leader": 302, "admin_a": 302, "member_a": 302, "member_b": 200},
        data=lambda w: {"month": "2026-03", "organization": w.org_a.pk},
        unchanged=("member_b",),
    ),
    "reports:report_status": org_scoped(_report),
    "reports:report_progress": org_scoped(_report),
    "reports:report_download": org_scoped(_report),
    # Retrying a failed build: whoever may see (and so ask for) the report; this one is built,
    # so the allowed roles are sent back to its page with a message.
    "reports:report_retry": Rule(
        expect={"anon": 302, "staff": 302, "leader": 404, "admin_a": 302, "member_a": 302, "member_b": 404},
        kwargs=_report,
        method="post",
        writes=False,
        note="a built report has nothing to retry; tests/faults and tests/reports retry failed ones",
    ),
}
