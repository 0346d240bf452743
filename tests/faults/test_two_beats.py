"""Two beat processes (a second one started by mistake, or two hosts): last month's reports are
queued once and each scope is built once, with one file each.  Duplicate build messages of one
report wait for the build under way and build nothing more.  Issue 12, finding 5."""

import time
from pathlib import Path

import pytest

from core.models import ScheduledRun
from core.months import last_month
from reports.building import BUILD_TASK
from reports.models import MonthlyReport
from reports.presentation import all_scopes
from reports.services import request_report
from reports.statistics import Scope
from tests.factories import OrganizationFactory

from .conftest import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.redis, pytest.mark.postgres]

EVERY_SECOND = {
    "monthly-reports": {"task": "reports.tasks.build_last_month_reports", "schedule": 1.0},
    "relay-outbox": {"task": "core.relay_outbox", "schedule": 1.0},
}


def files_of(root):
    root = Path(root)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_two_beats_build_each_scope_once(start_worker, start_beat, settings):
    OrganizationFactory.create_batch(2)
    scopes = len(all_scopes())  # the district, 12 towns, 2 organizations
    worker = start_worker(pool="prefork", concurrency=2)
    start_beat(worker["env"], schedule=EVERY_SECOND)
    start_beat(worker["env"], schedule=EVERY_SECOND)

    def built():
        reports = MonthlyReport.objects.filter(month=last_month())
        return reports.count() == scopes and not reports.exclude(status="done").exists()

    wait_for(built, 240, interval=1, message="every scope built")
    time.sleep(5)  # both beats keep firing the monthly job: nothing more happens
    reports = MonthlyReport.objects.filter(month=last_month())
    assert reports.count() == scopes
    assert sorted(set(reports.values_list("attempts", flat=True))) == [1]  # one build per scope
    assert ScheduledRun.objects.filter(job="monthly-reports").count() == 1
    assert files_of(settings.REPORT_STORAGE_ROOT) == sorted(reports.values_list("file", flat=True))


def test_duplicate_builds_of_one_report_serialize(start_worker, staff, settings):
    worker = start_worker(pool="prefork", concurrency=2)
    report = request_report(month=last_month(), scope=Scope.district(), user=staff)
    for _ in range(2):  # the same message delivered again (a relay that died before marking it sent)
        worker["app"].send_task(BUILD_TASK, args=[report.pk], queue=worker["queue"])
    wait_for(lambda: MonthlyReport.objects.get(pk=report.pk).status == "done", 120, message="built")
    time.sleep(20)  # the duplicates waited for the build (15 s), then found it answered
    report.refresh_from_db()
    assert (report.status, report.attempts) == ("done", 1)
    assert files_of(settings.REPORT_STORAGE_ROOT) == [report.file]
