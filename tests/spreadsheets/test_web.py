"""The web import (upload -> preview -> confirm or cancel), exports and templates, as users
see them; the permissions are checked on every step, a direct POST to confirm included."""

import datetime
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from beneficiaries.models import Beneficiary
from organizations.models import Membership
from spreadsheets.models import ImportJob
from spreadsheets.services import job_path, rejected_path
from tests.factories import BeneficiaryFactory, CharityProjectFactory, make_id_number

from .helpers import sheet_rows, streamed, write_xlsx
from .test_rejections import B_HEADERS, TEMPLATE_HEADERS, bad_checksum, person

pytestmark = pytest.mark.django_db


def upload(client, path, resource="beneficiaries"):
    with open(path, "rb") as handle:
        return client.post(
            reverse("spreadsheets:upload"), {"resource": resource, "file": SimpleUploadedFile(path.name, handle.read())}
        )


def last_job():
    return ImportJob.objects.order_by("-pk").first()


def test_upload_preview_confirm(admin_a, org_a, client_for, tmp_path):
    client = client_for(admin_a)
    path = write_xlsx(tmp_path / "服务对象.xlsx", B_HEADERS, [person(1, org_a), person(2, org_a)])
    response = upload(client, path)
    job = last_job()
    assert response.status_code == 302 and response["Location"] == reverse("spreadsheets:job", args=[job.pk])
    assert job.status == "previewed" and job.summary["new"] == 2 and job.summary["rejected"] == 0
    page = client.get(response["Location"]).content.decode()
    assert "确认导入" in page and "新增" in page
    assert Beneficiary.objects.count() == 0  # the preview saves nothing
    stored = job_path(job)
    assert stored.exists() and stored.name not in path.name and len(stored.name) >= 30

    response = client.post(reverse("spreadsheets:job_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and Beneficiary.objects.count() == 2
    assert not stored.exists()  # removed after confirm
    # A second confirm (replayed POST) imports nothing more.
    client.post(reverse("spreadsheets:job_confirm", args=[job.pk]))
    assert Beneficiary.objects.count() == 2


def test_preview_lists_rejected_rows_and_offers_them_for_download(admin_a, org_a, client_for, tmp_path):
    client = client_for(admin_a)
    path = write_xlsx(tmp_path / "b.xlsx", B_HEADERS, [person(1, org_a), person(2, org_a, 身份证号=bad_checksum())])
    upload(client, path)
    job = last_job()
    page = client.get(reverse("spreadsheets:job", args=[job.pk])).content.decode()
    assert "校验位不正确" in page and "确认导入" not in page
    response = client.get(reverse("spreadsheets:job_rejected", args=[job.pk]))
    rows = sheet_rows(b"".join(response.streaming_content))
    assert rows[0] == ["行号"] + B_HEADERS + ["错误原因"]
    assert rows[1][0] == 3 and rows[1][1] == "王2" and "身份证号：身份证号校验位不正确" in rows[1][-1]
    assert len(rows) == 2
    # A direct POST to confirm a job with rejected rows saves nothing.
    client.post(reverse("spreadsheets:job_confirm", args=[job.pk]))
    assert Beneficiary.objects.count() == 0
    # The fixed sheet (with 行号 and 错误原因 columns still in it) can be uploaded again.
    fixed = rows[:1] + [[3] + person(2, org_a) + ["身份证号：……"]]
    upload(client, write_xlsx(tmp_path / "fixed.xlsx", fixed[0], fixed[1:]))
    assert last_job().summary["new"] == 1 and last_job().summary["rejected"] == 0


def test_cancel_removes_the_files(admin_a, org_a, client_for, tmp_path):
    client = client_for(admin_a)
    upload(client, write_xlsx(tmp_path / "b.xlsx", B_HEADERS, [person(1, org_a)]))
    job = last_job()
    assert job.status == "previewed" and job_path(job).exists()
    client.post(reverse("spreadsheets:job_cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "cancelled" and not job_path(job).exists()
    # A rejected job keeps only its rejected-rows sheet (the upload is gone); cancel deletes it.
    upload(client, write_xlsx(tmp_path / "b.xlsx", B_HEADERS, [person(1, org_a, 姓名="")]))
    job = last_job()
    assert job.status == "rejected" and not job_path(job).exists() and rejected_path(job).exists()
    response = client.post(reverse("spreadsheets:job_cancel", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "cancelled" and not job_path(job).exists() and not rejected_path(job).exists()
    assert client.post(reverse("spreadsheets:job_confirm", args=[job.pk])).status_code == 302
    assert Beneficiary.objects.count() == 0


def test_large_sheet_goes_to_a_task_and_the_page_polls(
    admin_a, org_a, client_for, tmp_path, django_capture_on_commit_callbacks
):
    from spreadsheets import services

    client = client_for(admin_a)
    rows = [person(n, org_a) for n in range(1, services.ASYNC_ROWS + 11)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload(client, write_xlsx(tmp_path / "big.xlsx", B_HEADERS, rows))
    job = last_job()
    # The request did not do the work: the task is queued for after the commit.
    assert job.status == "uploaded" and len(callbacks) == 1
    html = client.get(reverse("spreadsheets:job", args=[job.pk])).content.decode()
    assert "data-poll" in html
    callbacks[0]()
    job.refresh_from_db()
    # Tasks run eagerly in tests (after commit): the preview is done by the task.
    assert job.status == "previewed" and job.summary["new"] == len(rows)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("spreadsheets:job_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and Beneficiary.objects.count() == len(rows)
    assert not job_path(job).exists()


def test_progress_fragment_polls_while_running(admin_a, client_for):
    job = ImportJob.objects.create(
        user=admin_a, resource="beneficiaries", original_name="x.xlsx", status="running", total_rows=2000
    )
    client = client_for(admin_a)
    html = client.get(reverse("spreadsheets:job_progress", args=[job.pk])).content.decode()
    assert 'data-poll="{}"'.format(reverse("spreadsheets:job_progress", args=[job.pk])) in html and "<progress" in html
    job.status = "done"
    job.save()
    assert "data-poll" not in client.get(reverse("spreadsheets:job_progress", args=[job.pk])).content.decode()


# --- permissions and scoping -------------------------------------------------------------------


def test_members_and_leaders_cannot_import(member_a, leader, org_a, client_for, tmp_path):
    path = write_xlsx(tmp_path / "b.xlsx", B_HEADERS, [person(1, org_a)])
    for user in (member_a, leader):
        assert upload(client_for(user), path).status_code == 403
    assert ImportJob.objects.count() == 0


def test_organization_admin_cannot_import_the_directory(admin_a, client_for, tmp_path):
    path = write_xlsx(tmp_path / "o.xlsx", ["组织名称", "所属镇街"], [["新组织", "锦屏街道"]])
    response = upload(client_for(admin_a), path, resource="organizations")
    assert response.status_code == 302 and ImportJob.objects.count() == 0  # not a choice of the form


def test_direct_post_to_confirm_is_checked(admin_a, member_a, member_b, leader, staff, org_a, client_for, tmp_path):
    upload(client_for(admin_a), write_xlsx(tmp_path / "b.xlsx", B_HEADERS, [person(1, org_a)]))
    job = last_job()
    url = reverse("spreadsheets:job_confirm", args=[job.pk])
    assert client_for(member_b).post(url).status_code == 404
    assert client_for(member_a).post(url).status_code == 404
    assert client_for(leader).post(url).status_code == 404
    assert client_for(staff).post(url).status_code == 403  # not their upload
    # The admin loses the admin role between preview and confirm: refused.
    Membership.objects.filter(user=admin_a).update(role="member")
    assert client_for(admin_a).post(url).status_code == 403
    assert Beneficiary.objects.count() == 0


def test_admin_imports_only_into_own_organization(admin_a, org_a, org_b, client_for, tmp_path):
    other = BeneficiaryFactory(organization=org_b, id_number=make_id_number(n=42, birth=datetime.date(1950, 2, 2)))
    rows = [person(1, org_a), person(2, org_b), person(3, org_a, 身份证号=other.id_number)]
    upload(client_for(admin_a), write_xlsx(tmp_path / "b.xlsx", B_HEADERS, rows))
    job = last_job()
    reasons = {e[0]: e[2] for e in job.errors}
    assert reasons[3] == "只能为您所在的组织登记服务对象。"  # the rule's words, as on the page
    # Another organization's person: the page's duplicate words, naming no organization.
    assert reasons[4] == "该身份证号已有服务对象记录，一人只能登记一次。"
    assert job.summary["rejected"] == 2 and Beneficiary.objects.count() == 1


def test_admin_cannot_record_visits_for_another_organizations_beneficiary(admin_a, org_a, org_b, client_for, tmp_path):
    other = BeneficiaryFactory(organization=org_b)
    path = write_xlsx(
        tmp_path / "v.xlsx", ["身份证号", "走访日期", "走访组织"], [[other.id_number, "2021-08-12", org_a.name]]
    )
    upload(client_for(admin_a), path, resource="visits")
    assert "未找到该身份证号的服务对象" in last_job().errors[0][2]


def test_export_gives_only_visible_rows(member_b, org_a, org_b, client_for):
    BeneficiaryFactory(organization=org_a, name="甲组织的人")
    BeneficiaryFactory(organization=org_b, name="乙组织的人")
    response = client_for(member_b).get(reverse("spreadsheets:export", args=["beneficiaries", "csv"]))
    text = streamed(response).decode("utf-8-sig")
    assert "乙组织的人" in text and "甲组织的人" not in text
    assert text.splitlines()[0] == ",".join(TEMPLATE_HEADERS)


def test_leaders_export_no_personal_data(leader, org_a, client_for):
    CharityProjectFactory(organization=org_a, name="关爱项目")
    client = client_for(leader)
    for name in ("beneficiaries", "visits", "attendance", "cases", "trainings"):
        assert client.get(reverse("spreadsheets:export", args=[name, "xlsx"])).status_code == 403, name
    response = client.get(reverse("spreadsheets:export", args=["projects", "xlsx"]))
    assert response.status_code == 200
    assert sheet_rows(b"".join(response.streaming_content))[1][0] == "关爱项目"
    assert client.get(reverse("spreadsheets:export", args=["organizations", "csv"])).status_code == 200


def test_export_escapes_formulas(staff, org_a, client_for):
    BeneficiaryFactory(
        organization=org_a, name='=HYPERLINK("http://x")', address="+1+2", phone="@SUM(A1)", village="-2+3"
    )
    client = client_for(staff)
    url = reverse("spreadsheets:export_full", args=["beneficiaries"])

    def full(fmt):
        return b"".join(client.post(url, {"purpose": "核对", "fmt": fmt}).streaming_content)

    text = full("csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1+2" in text and "'@SUM(A1)" in text and "'-2+3" in text
    rows = sheet_rows(full("xlsx"))
    assert rows[1][0] == '\'=HYPERLINK("http://x")' and rows[1][5] == "'-2+3"
    workbook = load_workbook(io.BytesIO(full("xlsx")))
    assert workbook.active["A2"].data_type == "s"  # text, not a formula
    # Masked cells are escaped too: the mask keeps the first character.
    masked = streamed(client.get(reverse("spreadsheets:export", args=["beneficiaries", "csv"]))).decode("utf-8-sig")
    assert "'+******" in masked and "'=HYPERLINK" in masked


def test_csv_export_is_streamed(staff, org_a, client_for):
    response = client_for(staff).get(reverse("spreadsheets:export", args=["organizations", "csv"]))
    assert response.streaming and "attachment" in response["Content-Disposition"]


def test_index_lists_what_each_role_may_do(leader, member_a, admin_a, client_for):
    page = client_for(leader).get(reverse("spreadsheets:index")).content.decode()
    assert "上传并预览" not in page
    assert reverse("spreadsheets:export", args=["projects", "xlsx"]) in page
    assert reverse("spreadsheets:export", args=["beneficiaries", "xlsx"]) not in page
    assert "上传并预览" not in client_for(member_a).get(reverse("spreadsheets:index")).content.decode()
    assert "上传并预览" in client_for(admin_a).get(reverse("spreadsheets:index")).content.decode()


def test_uploads_dir_has_no_leftovers_after_a_refused_file(admin_a, client_for, tmp_path, settings):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a spreadsheet\x00\x01")
    response = upload(client_for(admin_a), path)
    assert response.status_code == 302
    directory = settings.PRIVATE_STORAGE_ROOT / "imports"
    assert not directory.exists() or os.listdir(directory) == []


def test_uploads_nobody_confirms_are_removed_after_a_day(admin_a, org_a, client_for, tmp_path):
    from django.utils import timezone

    from spreadsheets.tasks import purge_stale_uploads

    client = client_for(admin_a)
    upload(client, write_xlsx(tmp_path / "b.xlsx", B_HEADERS, [person(1, org_a)]))
    job = last_job()
    assert job.status == "previewed" and job_path(job).exists()
    assert purge_stale_uploads() == 0  # a fresh upload is kept
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(days=2))
    assert purge_stale_uploads.delay().get() == 1
    job.refresh_from_db()
    assert job.status == "cancelled" and not job_path(job).exists()
    assert Beneficiary.objects.count() == 0
