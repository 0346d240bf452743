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
    (settings.PRIVATE_STORAGE_ROOT / job.file.name).write_bytes(b"upload")
    world.set(import_job=job)


def _sheet(w):
    """A one-row beneficiaries sheet for organization A (valid: the upload makes an import job)."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from spreadsheets.resources import get_resource
    from tests.factories import make_id_number

    headers = [column.header for column in get_resource("beneficiaries").columns]
    values = {
        "姓名": "表格里的人",
        "身份证号": make_id_number(birth=datetime.date(1955, 3, 3)),
        "所属镇街": "锦屏街道",
        "村社区": "东门村",
        "负责组织": w.org_a.name,
    }
    text = ",".join(headers) + "\n" + ",".join(values.get(header, "") for header in headers) + "\n"
    return {
        "resource": "beneficiaries",
        "file": SimpleUploadedFile("服务对象.csv", text.encode("utf-8-sig"), "text/csv"),
    }


RULES = {
    "spreadsheets:index": login_only(),
    # Templates hold no records; they are for those who import or export the type.
    "spreadsheets:template": Rule(expect=SHEET_USERS, kwargs=lambda w: {"resource": "beneficiaries"}),
    "spreadsheets:export": Rule(
        expect=SHEET_USERS,
        kwargs=lambda w: {"resource": "beneficiaries", "fmt": "xlsx"},
        note="rows scoped by visible_to; tests/spreadsheets/test_web.py checks the rows",
    ),
    # The full export's form: staff and organization admins; members and leaders never.
    # A full export (the POST) is written to the audit log with every exported person.
    "spreadsheets:export_full": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 403, "member_b": 403},
        kwargs=lambda w: {"resource": "beneficiaries"},
        post_expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 403, "member_b": 403},
        data=lambda w: {"purpose": "核对重点关爱名单", "fmt": "csv"},
    ),
    "spreadsheets:upload": Rule(
        expect={"anon": 302, "staff": 302, "leader": 403, "admin_a": 302, "member_a": 403, "member_b": 403},
        method="post",
        data=_sheet,
    ),
    "spreadsheets:job": Rule(expect=OWN_JOB, kwargs=lambda w: {"pk": w.import_job.pk}),
    "spreadsheets:job_progress": Rule(expect=OWN_JOB, kwargs=lambda w: {"pk": w.import_job.pk}),
    "spreadsheets:job_rejected": Rule(expect=OWN_JOB, kwargs=lambda w: {"pk": w.import_job.pk}),
    # Only the job's owner confirms it; staff see it but may not confirm another's upload.
    "spreadsheets:job_confirm": Rule(
        expect={"anon": 302, "staff": 403, "leader": 404, "admin_a": 302, "member_a": 404, "member_b": 404},
        kwargs=lambda w: {"pk": w.import_job.pk},
        method="post",
        writes=False,
        note="the job has a rejected row: nothing to confirm; tests/spreadsheets confirm a clean one",
    ),
    # Only the job's owner retries it (a previewed job: back to its page with a message).
    "spreadsheets:job_retry": Rule(
        expect={"anon": 302, "staff": 403, "leader": 404, "admin_a": 302, "member_a": 404, "member_b": 404},
        kwargs=lambda w: {"pk": w.import_job.pk},
        method="post",
        writes=False,
        note="a previewed job has nothing to retry; tests/spreadsheets/test_recovery.py retries failed ones",
    ),
    "spreadsheets:job_cancel": Rule(
        expect={"anon": 302, "staff": 302, "leader": 404, "admin_a": 302, "member_a": 404, "member_b": 404},
        kwargs=lambda w: {"pk": w.import_job.pk},
        method="post",
    ),
}
