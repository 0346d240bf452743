"""A large upload is previewed and imported by a real Celery worker (Redis broker, PostgreSQL):
the request only stores the file; the page polls until the worker has counted the rows."""

import time

import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary
from spreadsheets.models import ImportJob
from spreadsheets.services import INLINE_PREVIEW_BYTES, job_path

from .helpers import write_xlsx_with_false_dimension
from .test_rejections import B_HEADERS, person
from .test_web import upload

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def wait_for(job, statuses, timeout=240):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in statuses:
            return job
        time.sleep(0.5)
    pytest.fail(f"job still {job.status} after {timeout}s")


def test_a_worker_previews_and_imports_a_large_sheet(celery_worker_process, admin_a, org_a, client_for, tmp_path):
    count = 1500
    path = write_xlsx_with_false_dimension(tmp_path / "big.xlsx", B_HEADERS, lambda n: person(n, org_a), count)
    import zipfile

    assert sum(i.file_size for i in zipfile.ZipFile(path).infolist()) > INLINE_PREVIEW_BYTES
    client = client_for(admin_a)
    upload(client, path)
    job = ImportJob.objects.get()
    assert job.status == "uploaded"  # the request left the sheet to the worker
    assert "data-poll" in client.get(reverse("spreadsheets:job", args=[job.pk])).content.decode()
    job = wait_for(job, {"previewed", "rejected", "failed"})
    assert job.status == "previewed" and job.total_rows == count and len(job.preview) == 50
    client.post(reverse("spreadsheets:job_confirm", args=[job.pk]))
    job = wait_for(job, {"done", "rejected", "failed"})
    assert job.status == "done", job.errors
    assert Beneficiary.objects.count() == count and not job_path(job).exists()
