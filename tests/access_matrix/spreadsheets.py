"""Excel import and export.  Import: staff and organization admins; export: the rows the user
may see, leaders only organizations and projects; import jobs: their owner (and staff)."""

from . import Rule, login_only

SHEET_USERS = {"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 200, "member_b": 200}
OWN_JOB = {"anon": 302, "staff": 200, "leader": 404, "admin_a": 200, "member_a": 404, "member_b": 404}


def build(world):
    from django.conf import settings

    from spreadsheets.models import ImportJob
    from spreadsheets.services import rejected_path

    job = ImportJob.objects.create(
        user=world.users["admin_a"],
        resource="beneficiaries",
        original_name="服务对象.xlsx",
        file="imports/walker-job",
        status=ImportJob.Status.PREVIEWED,
        total_rows=1,
        summary={"new": 0, "updated": 0, "unchanged": 0, "rejected": 1},
        errors=[[2, "身份证号", "身份证号校验位不正确"]],
    )
    path = rejected_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"rejected rows")
    (settings.PRIVATE_STORAGE_ROOT / job.file).write_bytes(b"upload")
    world.set(import_job=job)


RULES = {
    "spreadsheets:index": login_only(),
    # Templates hold no records; they are for those who import or export the type.
    "spreadsheets:template": Rule(expect=SHEET_USERS, kwargs=lambda w: {"resource": "beneficiaries"}),
    "spreadsheets:export": Rule(
        expect=SHEET_USERS,
        kwargs=lambda w: {"resource": "beneficiaries", "fmt": "xlsx"},
        note="rows scoped by visible_to; tests/spreadsheets/test_web.py checks the rows",
    ),
    "spreadsheets:upload": Rule(
        expect={"anon": 302, "staff": 302, "leader": 403, "admin_a": 302, "member_a": 403, "member_b": 403},
        method="post",
        data=lambda w: {"resource": "beneficiaries"},
        note="invalid form: redirected back with a message",
    ),
    "spreadsheets:job": Rule(expect=OWN_JOB, kwargs=lambda w: {"pk": w.import_job.pk}),
    "spreadsheets:job_progress": Rule(expect=OWN_JOB, kwargs=lambda w: {"pk": w.import_job.pk}),
    "spreadsheets:job_rejected": Rule(expect=OWN_JOB, kwargs=lambda w: {"pk": w.import_job.pk}),
    # Only the job's owner confirms it; staff see it but may not confirm another's upload.
    "spreadsheets:job_confirm": Rule(
        expect={"anon": 302, "staff": 403, "leader": 404, "admin_a": 302, "member_a": 404, "member_b": 404},
        kwargs=lambda w: {"pk": w.import_job.pk},
        method="post",
    ),
    # Only the job's owner retries it (a previewed job: back to its page with a message).
    "spreadsheets:job_retry": Rule(
        expect={"anon": 302, "staff": 403, "leader": 404, "admin_a": 302, "member_a": 404, "member_b": 404},
        kwargs=lambda w: {"pk": w.import_job.pk},
        method="post",
    ),
    "spreadsheets:job_cancel": Rule(
        expect={"anon": 302, "staff": 302, "leader": 404, "admin_a": 302, "member_a": 404, "member_b": 404},
        kwargs=lambda w: {"pk": w.import_job.pk},
        method="post",
    ),
}
