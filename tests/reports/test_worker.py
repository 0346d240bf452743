"""The real thing: a report asked for on the page, built by a Celery worker process through
Redis, downloaded through the access-checked view; asking again leaves one report."""

import time

import pytest
from django.urls import reverse

from reports.models import MonthlyReport

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def wait_until_built(pk, previous_built_at=None, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report = MonthlyReport.objects.get(pk=pk)
        if report.status == "failed":
            pytest.fail(f"report failed: {report.error}")
        if report.status == "done" and report.built_at != previous_built_at:
            return report
        time.sleep(0.5)
    pytest.fail(f"report not built within {timeout}s (status {report.status}, progress {report.progress})")


def test_worker_builds_a_report_that_the_view_serves(
    celery_worker_process, dataset, staff, leader, settings, client_for
):
    client = client_for(staff)
    response = client.post(reverse("reports:report_list"), {"month": "2026-03"})
    assert response.status_code == 302
    report = MonthlyReport.objects.get()
    report = wait_until_built(report.pk)

    download = client_for(leader).get(reverse("reports:report_download", args=[report.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    # Again for the same scope and month: the same report, a new file, the old one gone.
    client.post(reverse("reports:report_list"), {"month": "2026-03"})
    rebuilt = wait_until_built(report.pk, previous_built_at=report.built_at)
    assert MonthlyReport.objects.count() == 1
    assert rebuilt.file != report.file
    assert [p.name for p in settings.REPORT_STORAGE_ROOT.rglob("*.pdf")] == [rebuilt.file.split("/")[-1]]
