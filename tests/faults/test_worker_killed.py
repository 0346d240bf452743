"""A real worker killed with SIGKILL in the middle of a monthly report or of an import.

- The pool process killed (the OOM killer's way): the task goes back to the queue
  (acks_late + task_reject_on_worker_lost), the advisory lock died with the process's
  database session, and the next pool process builds the report or imports the sheet.
- The whole worker killed: its message would come back only after the visibility timeout, so
  the sweeper (beat) marks the work failed once it shows no progress past its deadline; the
  page says 失败 — 可重试, the user retries, and it is done.  Issue 12, findings 2 and 3."""

import datetime
import os
import signal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from beneficiaries.models import Beneficiary
from core.months import month_start
from reports.models import MonthlyReport
from reports.services import request_report
from reports.statistics import Scope
from spreadsheets.models import ImportJob
from spreadsheets.services import ASYNC_ROWS, job_confirm, job_path, job_upload
from tests.factories import OrganizationFactory, VisitFactory
from tests.spreadsheets.helpers import write_xlsx
from tests.spreadsheets.test_rejections import B_HEADERS, person

from .conftest import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.redis, pytest.mark.postgres]

MARCH = month_start(datetime.date(2026, 3, 1))
ROWS = ASYNC_ROWS + 300


def pool_children(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def some_data():
    """Enough organizations and visits that a district PDF takes a moment to build."""
    for n in range(12):
        organization = OrganizationFactory(name=f"测试公益组织{n:02d}")
        VisitFactory.create_batch(3, organization=organization, beneficiary__organization=organization)


def ask_for_report(staff):
    return request_report(month=MARCH, scope=Scope.district(), user=staff)


def upload_and_confirm(app, user, org, tmp_path):
    sheet = write_xlsx(tmp_path / "big.xlsx", B_HEADERS, [person(n, org) for n in range(1, ROWS + 1)])
    app.conf.task_always_eager = True  # previewed here, in-process
    job = job_upload(
        user=user, resource_name="beneficiaries", uploaded=SimpleUploadedFile("big.xlsx", sheet.read_bytes())
    )
    app.conf.task_always_eager = False
    job.refresh_from_db()
    assert job.status == "previewed"
    return job_confirm(job=job, user=user)  # queued for the worker (RUNNING)


def started(kind, pk):
    if kind == "report":
        return MonthlyReport.objects.filter(pk=pk, status="running").exists()
    return ImportJob.objects.filter(pk=pk, status="running", attempts__gte=1).exists()


@pytest.mark.parametrize("kind", ["report", "import"])
def test_pool_process_killed_mid_task_the_work_is_done_anyway(
    kind, start_worker, staff, admin_a, org_a, settings, tmp_path
):
    some_data()
    worker = start_worker(pool="prefork", concurrency=1)
    if kind == "report":
        pk = ask_for_report(staff).pk
    else:
        pk = upload_and_confirm(worker["app"], admin_a, org_a, tmp_path).pk
    wait_for(lambda: started(kind, pk), 60, interval=0.02, message=f"{kind} started")
    children = pool_children(worker["process"].pid)
    assert len(children) == 1
    os.kill(children[0], signal.SIGKILL)

    if kind == "report":
        report = wait_for(
            lambda: MonthlyReport.objects.filter(pk=pk, status__in=["done", "failed"]).first(), 120, message="built"
        )
        assert (report.status, report.attempts) == ("done", 2), report.error  # rebuilt by the next pool process
        pdfs = list(Path(settings.REPORT_STORAGE_ROOT).rglob("*.pdf"))
        assert [p.relative_to(settings.REPORT_STORAGE_ROOT).as_posix() for p in pdfs] == [report.file]
        assert not list(Path(settings.REPORT_STORAGE_ROOT).rglob("*.part"))
    else:
        job = wait_for(lambda: ImportJob.objects.filter(pk=pk, status__in=["done", "failed"]).first(), 120)
        assert (job.status, job.attempts) == ("done", 2), job.errors
        assert Beneficiary.objects.filter(organization=org_a).count() == ROWS  # every row, once
        # The upload is removed once imported (right after the status is committed).
        wait_for(lambda: not job_path(job).exists(), 10, message="upload removed")


@pytest.mark.parametrize("kind", ["report", "import"])
def test_whole_worker_killed_the_sweeper_fails_the_work_and_a_retry_finishes_it(
    kind, start_worker, start_beat, staff, admin_a, org_a, client_for, tmp_path
):
    some_data()
    deadline = 6  # seconds without progress before the sweeper steps in (minutes in production)
    env = {"REPORT_STUCK_AFTER": str(deadline), "IMPORT_STUCK_AFTER": str(deadline), "SWEEP_SECONDS": "1"}
    worker = start_worker(pool="prefork", concurrency=1, env=env)
    if kind == "report":
        pk = ask_for_report(staff).pk
        page = f"/reports/monthly/{pk}/"
        user, retry = staff, f"/reports/monthly/{pk}/retry/"
    else:
        pk = upload_and_confirm(worker["app"], admin_a, org_a, tmp_path).pk
        page = f"/spreadsheets/jobs/{pk}/"
        user, retry = admin_a, f"/spreadsheets/jobs/{pk}/retry/"
    wait_for(lambda: started(kind, pk), 60, interval=0.02, message=f"{kind} started")
    for pid in [*pool_children(worker["process"].pid), worker["process"].pid]:
        os.kill(pid, signal.SIGKILL)

    # A new worker and beat; the killed worker's message is invisible for the visibility
    # timeout (15 minutes), so only the sweeper can end the wait.
    fresh = start_worker(env=env)
    start_beat(dict(fresh["env"], OUTBOX_RELAY_SECONDS="1"))
    model = MonthlyReport if kind == "report" else ImportJob
    wait_for(lambda: model.objects.filter(pk=pk, status="failed").exists(), deadline + 30, message="swept")
    html = client_for(user).get(page).content.decode()
    assert "失败 — 可重试" in html and retry in html
    if kind == "import":
        assert job_path(ImportJob.objects.get(pk=pk)).exists()  # kept for the retry
        assert not Beneficiary.objects.filter(organization=org_a).exists()  # all rows or none

    response = client_for(user).post(retry)
    assert response.status_code == 302
    done = wait_for(lambda: model.objects.filter(pk=pk, status="done").first(), 120, message="done after retry")
    if kind == "report":
        assert done.file
    else:
        assert Beneficiary.objects.filter(organization=org_a).count() == ROWS
