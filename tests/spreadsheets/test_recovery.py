"""An import whose worker died: the sweeper marks it failed (失败 — 可重试) once it shows no
progress past its deadline; its owner retries it from the page; its upload (personal data) is
removed when the retry window has passed.  Issue 12, finding 3."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary
from core import outbox
from spreadsheets.models import ImportJob
from spreadsheets.services import job_path, job_start_run, jobs_purge_failed, jobs_sweep_stuck
from spreadsheets.tasks import purge_stale_uploads

from .helpers import write_xlsx
from .test_rejections import B_HEADERS, person
from .test_web import last_job, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def killed_mid_import(admin_a, org_a, client_for, tmp_path, settings):
    """A confirmed job left as a killed worker leaves it: RUNNING, started long ago, the upload
    still there, nothing imported (all rows or none)."""
    upload(client_for(admin_a), write_xlsx(tmp_path / "b.xlsx", B_HEADERS, [person(1, org_a), person(2, org_a)]))
    job = last_job()
    started = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_STUCK_AFTER + 1)
    ImportJob.objects.filter(pk=job.pk).update(status="running", attempts=1, updated_at=started)
    return ImportJob.objects.get(pk=job.pk)


def test_the_sweeper_fails_a_stuck_import_and_its_owner_retries_it(killed_mid_import, admin_a, client_for):
    job = killed_mid_import
    page = reverse("spreadsheets:job", args=[job.pk])
    assert "导入中" in client_for(admin_a).get(page).content.decode()  # what users saw forever

    assert jobs_sweep_stuck() == 1
    job.refresh_from_db()
    assert (job.status, job.retryable) == ("failed", True) and job_path(job).exists()
    html = client_for(admin_a).get(page).content.decode()
    assert "失败 — 可重试" in html and "没有导入任何行" in html
    assert reverse("spreadsheets:job_retry", args=[job.pk]) in html
    assert jobs_sweep_stuck() == 0  # once

    response = client_for(admin_a).post(reverse("spreadsheets:job_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and Beneficiary.objects.count() == 2
    assert not job_path(job).exists()


def test_a_fresh_import_or_one_waiting_for_the_broker_is_not_swept(
    killed_mid_import, django_capture_on_commit_callbacks
):
    job = killed_mid_import
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now())
    assert jobs_sweep_stuck() == 0
    # Its message still waits in the outbox (the broker is down): not stuck, just waiting.
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=False):
        outbox.enqueue("spreadsheets.tasks.run_import", args=[job.pk], key=f"spreadsheets.tasks.run_import:{job.pk}")
    assert jobs_sweep_stuck() == 0


def test_only_the_owner_retries(killed_mid_import, admin_a, staff, member_a, client_for):
    jobs_sweep_stuck()
    job = killed_mid_import
    retry = reverse("spreadsheets:job_retry", args=[job.pk])
    assert client_for(staff).post(retry).status_code == 403
    assert client_for(member_a).post(retry).status_code == 404
    job.refresh_from_db()
    assert job.status == "failed" and Beneficiary.objects.count() == 0


def test_a_sheet_that_keeps_killing_its_worker_stops_being_retried(killed_mid_import):
    job = killed_mid_import
    ImportJob.objects.filter(pk=job.pk).update(attempts=3)
    assert job_start_run(job.pk) is None
    job.refresh_from_db()
    assert (job.status, job.retryable) == ("failed", True)


def test_a_failed_jobs_upload_is_removed_after_its_retry_window(killed_mid_import, admin_a, client_for):
    jobs_sweep_stuck()
    job = killed_mid_import
    upload_path = job_path(job)
    assert jobs_purge_failed() == 0 and upload_path.exists()  # within the window: kept for a retry
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(days=2))
    assert purge_stale_uploads() == 1
    job.refresh_from_db()
    assert job.status == "failed" and not job.retryable and job.file == ""
    assert not upload_path.exists() and not list(upload_path.parent.iterdir())
    html = client_for(admin_a).get(reverse("spreadsheets:job", args=[job.pk])).content.decode()
    assert "重试期限已过" in html and reverse("spreadsheets:job_retry", args=[job.pk]) not in html
