"""A monthly report whose build died: the sweeper marks it failed once it shows no progress
past its deadline; the status page says 失败 — 可重试 and whoever may ask for the report retries
it; builds of one report never leave orphan files.  Issue 12, findings 2 and 5."""

import datetime
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from core import outbox
from reports.building import build_report, reports_sweep_stuck
from reports.files import reports_purge_orphan_files
from reports.models import MonthlyReport
from reports.services import request_report
from reports.statistics import Scope
from reports.tasks import build_last_month_reports

from .conftest import MARCH

pytestmark = pytest.mark.django_db


def stuck(scope_key="district", *, status="running", seconds, **extra):
    report = MonthlyReport.objects.create(
        scope_kind="district", scope_key=scope_key, month=MARCH, status=status, progress=40, **extra
    )
    MonthlyReport.objects.filter(pk=report.pk).update(updated_at=timezone.now() - datetime.timedelta(seconds=seconds))
    return report


def test_the_sweeper_fails_a_build_with_no_progress_and_staff_retry_it(
    dataset, staff, client_for, settings, django_capture_on_commit_callbacks
):
    report = stuck(seconds=settings.REPORT_STUCK_AFTER + 1)
    page = reverse("reports:report_status", args=[report.pk])
    assert "正在生成" in client_for(staff).get(page).content.decode()  # what users saw forever
    assert reports_sweep_stuck() == 1
    report.refresh_from_db()
    assert report.status == "failed" and "中断" in report.error
    html = client_for(staff).get(page).content.decode()
    assert "失败 — 可重试" in html and reverse("reports:report_retry", args=[report.pk]) in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post(reverse("reports:report_retry", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.attempts) == ("done", 1) and report.file


def test_fresh_builds_and_requests_waiting_for_the_broker_are_not_swept(dataset, settings):
    stuck("fresh", seconds=settings.REPORT_STUCK_AFTER - 60)
    queued = stuck("queued", status="pending", seconds=settings.QUEUED_STUCK_AFTER + 1)
    outbox.enqueue("reports.tasks.build_monthly_report", args=[queued.pk], key=f"reports.build:{queued.pk}")
    assert reports_sweep_stuck() == 0
    lost = stuck("lost", status="pending", seconds=settings.QUEUED_STUCK_AFTER + 1)
    assert reports_sweep_stuck() == 1
    assert MonthlyReport.objects.get(pk=lost.pk).status == "failed"


def test_retry_obeys_who_may_ask_for_the_report(dataset, org_a, leader, member_a, member_b, client_for, settings):
    report = stuck(f"org:{org_a.pk}", seconds=settings.REPORT_STUCK_AFTER + 1)
    MonthlyReport.objects.filter(pk=report.pk).update(scope_kind="organization", organization=org_a)
    reports_sweep_stuck()
    retry = reverse("reports:report_retry", args=[report.pk])
    assert client_for(leader).post(retry).status_code == 404  # leaders: no organization reports
    assert client_for(member_b).post(retry).status_code == 404
    assert MonthlyReport.objects.get(pk=report.pk).status == "failed"
    assert client_for(member_a).post(retry).status_code == 302
    assert MonthlyReport.objects.get(pk=report.pk).status in ("pending", "done")


def test_a_message_delivered_twice_builds_once(dataset, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = request_report(month=MARCH, scope=Scope.district(), user=staff)
    report.refresh_from_db()
    assert build_report(report.pk) is None  # answered already
    assert MonthlyReport.objects.get(pk=report.pk).attempts == 1


def test_orphan_files_are_removed_and_the_current_one_kept(
    dataset, staff, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = request_report(month=MARCH, scope=Scope.district(), user=staff)
    report.refresh_from_db()
    root = settings.REPORT_STORAGE_ROOT
    orphan, partial = root / "2026-03" / "orphan.pdf", root / "2026-03" / "x.pdf.part"
    for path in (orphan, partial):
        path.write_bytes(b"%PDF-1.7 left behind")
        old = (timezone.now() - datetime.timedelta(hours=2)).timestamp()
        os.utime(path, (old, old))
    os.utime(root / report.file, (old, old))
    assert reports_purge_orphan_files() == 2
    assert not orphan.exists() and not partial.exists() and (root / report.file).exists()


def test_the_monthly_job_runs_once_per_month(dataset):
    from reports.presentation import all_scopes

    assert build_last_month_reports() == len(all_scopes())
    assert build_last_month_reports() == 0  # a second beat's run
    from core.models import OutboxMessage

    assert OutboxMessage.objects.count() == MonthlyReport.objects.count() == len(all_scopes())  # one build each
