"""Demo data for reports: last month's district PDF, built in-process if it is not there yet."""

from core.months import last_month

from .files import report_path
from .models import MonthlyReport
from .services import prepare_report
from .statistics import Scope


def seed(ctx):
    month = last_month(ctx["today"])
    scope = Scope.district()
    existing = MonthlyReport.objects.filter(scope_key=scope.key, month=month, status=MonthlyReport.Status.DONE).first()
    if existing and report_path(existing).is_file():
        return
    from .tasks import build_monthly_report

    report = prepare_report(month=month, scope=scope)
    build_monthly_report.apply(args=[report.pk])
    ctx["log"](f"月度报告：{month:%Y-%m} 全区报告已生成。")
