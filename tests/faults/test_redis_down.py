"""Redis down (refused, or silent) between the portal and the broker and cache: people sign in,
save a visit, read the dashboard and the import pages, approve a project report, confirm an
import and ask for a PDF, all without an error and without waiting; the work waits in the
outbox.  Redis back: the PDF is built, the import done and the email sent, once.  Issue 12,
finding 1."""

import datetime
import json
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from beneficiaries.models import Beneficiary, Visit
from core.models import Email, OutboxMessage
from projects.models import ProjectReport
from reports.models import MonthlyReport
from spreadsheets.models import ImportJob
from spreadsheets.services import ASYNC_ROWS, job_upload
from tests.factories import BeneficiaryFactory, CharityProjectFactory, ProjectReportFactory
from tests.spreadsheets.helpers import write_xlsx
from tests.spreadsheets.test_rejections import B_HEADERS, person

from .conftest import Browser, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.redis, pytest.mark.postgres]

QUICK = 3.0  # seconds: a request that waited for Redis would take its timeouts (19 s before)


def emails_sent(mail_dir, subject_part):
    """How many messages the worker's file backend wrote with this subject."""
    import email
    from email import policy

    count = 0
    for path in mail_dir.glob("*.log") if mail_dir.exists() else []:
        for raw in path.read_text(errors="replace").split("-" * 79):
            if raw.strip():
                message = email.message_from_string(raw.strip(), policy=policy.default)
                count += subject_part in str(message["Subject"])
    return count


@pytest.mark.parametrize("mode", ["refuse", "stall"])
def test_portal_works_with_redis_down_and_catches_up(
    mode,
    redis_proxy,
    serve_portal,
    start_worker,
    start_beat,
    staff,
    admin_a,
    member_a,
    org_a,
    servable,
    password,
    tmp_path,
):
    redis_url = os.environ["REDIS_URL"]
    cache_url = redis_url.rsplit("/", 1)[0] + "/14"
    person_a = BeneficiaryFactory(organization=org_a, name="胡菊芬")
    project = CharityProjectFactory(organization=org_a, name="关爱老妇女主任")
    submitted = ProjectReportFactory(
        project=project,
        status="submitted",
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 3, 31),
        submitted_at=datetime.datetime(2026, 4, 2, tzinfo=datetime.UTC),
    )
    sheet = write_xlsx(tmp_path / "big.xlsx", B_HEADERS, [person(n, org_a) for n in range(1, ASYNC_ROWS + 6)])
    app = start_worker.app
    app.conf.task_always_eager = True  # previewed here, in-process, before the fault
    job = job_upload(
        user=admin_a, resource_name="beneficiaries", uploaded=SimpleUploadedFile("big.xlsx", sheet.read_bytes())
    )
    app.conf.task_always_eager = False
    job.refresh_from_db()
    assert job.status == "previewed"
    for user in (staff, admin_a, member_a):
        servable(user)

    redis_proxy.set_mode(mode)
    base = serve_portal(
        REDIS_URL=redis_proxy.url_for(redis_url),
        REDIS_CACHE_URL=redis_proxy.url_for(cache_url),
        CELERY_TASK_DEFAULT_QUEUE=start_worker.queue,
    )

    def quick(response, expected=(200, 302)):
        status, page, seconds = response
        assert status in expected, page[-2000:]
        assert seconds < QUICK, f"{seconds:.1f}s"
        return page

    volunteer = Browser(base)
    volunteer.log_in(member_a.email, password)  # allauth's rate limit reads the cache
    form = f"/beneficiaries/visits/new/{person_a.pk}/"
    quick(volunteer.get(form))
    quick(volunteer.post(form, {"visit_date": datetime.date.today().isoformat(), "mode": "home"}), expected=(302,))
    assert Visit.objects.filter(beneficiary=person_a).count() == 1
    assert "统计" in quick(volunteer.get("/reports/"))  # the dashboard's figures are cached in Redis
    quick(volunteer.get("/spreadsheets/"))

    importer = Browser(base)
    importer.log_in(admin_a.email, password)
    quick(importer.get(f"/spreadsheets/jobs/{job.pk}/"))
    quick(importer.post(f"/spreadsheets/jobs/{job.pk}/confirm/", {}), expected=(302,))
    assert "导入中" in quick(importer.get(f"/spreadsheets/jobs/{job.pk}/"))  # import progress: the cache

    reviewer = Browser(base)
    reviewer.log_in(staff.email, password)
    quick(reviewer.post(f"/projects/reports/{submitted.pk}/approve/", {"review_comment": "同意。"}), expected=(302,))
    quick(reviewer.post("/reports/monthly/", {"month": "2026-03"}), expected=(302,))
    report = MonthlyReport.objects.get()
    assert "排队中" in quick(reviewer.get(f"/reports/monthly/{report.pk}/"))

    status, body, seconds = Browser(base).get("/healthz")
    assert status == 503 and json.loads(body) == {"status": "unavailable"} and seconds < 2.0

    # Everything the users did is saved; the work waits in the outbox.
    submitted.refresh_from_db()
    assert submitted.status == ProjectReport.Status.APPROVED
    assert OutboxMessage.objects.filter(status="pending").count() == 3  # the PDF, the import, the email
    approval = Email.objects.get()  # the approval's email; the import and the PDF will add theirs
    assert approval.sent_at is None and approval.key.startswith("notify:projects.report-approved")

    # Redis is back: a worker and beat (which relays the outbox every second) take over.
    redis_proxy.set_mode("pass")
    mail_dir = tmp_path / "mail"
    worker = start_worker(
        env={"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(mail_dir)}
    )
    start_beat(dict(worker["env"], OUTBOX_RELAY_SECONDS="1"))

    wait_for(lambda: MonthlyReport.objects.get().status == "done", 120, message="PDF built")
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == "done", 120, message="import done")
    assert Beneficiary.objects.count() == 1 + ASYNC_ROWS + 5
    wait_for(lambda: Email.objects.get(pk=approval.pk).sent_at, 60, message="email sent")
    subject = "进展报告已通过"
    assert emails_sent(mail_dir, subject) == 1
    report = MonthlyReport.objects.get()
    assert (report.attempts, report.status) == (1, "done")
    assert (tmp_path / "reports" / report.file).read_bytes().startswith(b"%PDF")

    # A relay that died after publishing but before marking the message sent publishes it
    # again: the worker delivers nothing more.
    delivery = OutboxMessage.objects.get(task_name="core.deliver_email", args=[approval.pk])
    OutboxMessage.objects.filter(pk=delivery.pk).update(status="pending")
    wait_for(lambda: OutboxMessage.objects.get(pk=delivery.pk).status == "sent", 30, message="relayed again")
    time.sleep(3)  # the duplicate reaches the worker
    assert emails_sent(mail_dir, subject) == 1

    status, body, _seconds = Browser(base).get("/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok"}
