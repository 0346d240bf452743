"""python manage.py monthly_report YYYY-MM [--town NAME] [--org NAME] [--json]"""

from django.core.management.base import BaseCommand, CommandError

from core.months import parse_month
from organizations.models import Organization, Town
from reports.files import report_path
from reports.models import MonthlyReport
from reports.serializers import statistics_json
from reports.services import prepare_report
from reports.statistics import Scope, compute
from reports.tasks import build_monthly_report


class Command(BaseCommand):
    help = "生成某月的月度报告（PDF，经由同一个 Celery 任务），或以 JSON 输出统计数字。"

    def add_arguments(self, parser):
        parser.add_argument("month", help="月份，格式 YYYY-MM")
        parser.add_argument("--town", help="镇街名称，例如 锦屏街道")
        parser.add_argument("--org", help="组织名称")
        parser.add_argument("--json", action="store_true", help="只输出统计数字（JSON）")

    def handle(self, *args, month, town, org, json: bool, **options):
        try:
            month = parse_month(month)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        scope = self._scope(town, org)
        if json:
            self.stdout.write(statistics_json(compute(month, scope)))
            return
        report = prepare_report(month=month, scope=scope)
        build_monthly_report.apply(args=[report.pk])
        report.refresh_from_db()
        if report.status != MonthlyReport.Status.DONE:
            raise CommandError(report.error or "报告生成失败。")
        self.stdout.write(str(report_path(report)))

    def _scope(self, town, org):
        if town and org:
            raise CommandError("--town 和 --org 只能指定一个。")
        if org:
            organization = Organization.objects.filter(name=org.strip()).select_related("town").first()
            if organization is None:
                raise CommandError(f"没有名为“{org}”的组织。")
            return Scope.for_organization(organization)
        if town:
            found = Town.objects.filter(name=town.strip()).first()
            if found is None:
                names = "、".join(Town.objects.values_list("name", flat=True))
                raise CommandError(f"没有名为“{town}”的镇街。可选：{names}")
            return Scope.for_town(found)
        return Scope.district()
