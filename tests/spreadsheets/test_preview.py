"""Preview shows the rows (issue 11, finding 9): the job page lists the first rows of the
sheet, each marked 新增 / 修改 (old -> new, personal values masked) / 无变化 / 有错误 (with the
reasons); a job with errors ends 已拒绝 with its rejected-rows sheet; re-uploading an unchanged
sheet shows 0 changes for every role, even after the pages changed what the sheet leaves blank."""

import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary
from cases.models import MediationCase
from cases.services import case_transition
from spreadsheets.importer import PREVIEW_ROWS

from .helpers import run, sheet_rows, write_xlsx
from .test_rejections import B_HEADERS, person
from .test_roundtrip import sheets
from .test_web import last_job, upload

pytestmark = pytest.mark.django_db


def test_the_job_page_marks_each_row(staff, admin_a, org_a, client_for, tmp_path):
    existing = [person(1, org_a, 联系电话="13857420001"), person(2, org_a)]
    run("beneficiaries", write_xlsx(tmp_path / "first.xlsx", B_HEADERS, existing), user=staff)
    rows = [
        person(1, org_a, 联系电话="13900000000"),  # 修改: the phone, masked
        person(2, org_a),  # 无变化
        person(3, org_a),  # 新增
        person(4, org_a, 重点关爱="也许"),  # 有错误
    ]
    client = client_for(admin_a)
    upload(client, write_xlsx(tmp_path / "second.xlsx", B_HEADERS, rows))
    job = last_job()
    assert job.status == "rejected"  # a row with errors: 已拒绝, nothing can be confirmed
    assert [(r["row"], r["status"]) for r in job.preview] == [
        (2, "changed"),
        (3, "unchanged"),
        (4, "new"),
        (5, "rejected"),
    ]
    assert job.preview[0]["changes"] == [["联系电话", "138****0001", "139****0000"]]
    page = client.get(reverse("spreadsheets:job", args=[job.pk])).content.decode()
    for text in ("新增", "修改", "无变化", "有错误", "已拒绝", "联系电话：", "138****0001", "139****0000"):
        assert text in page, text
    assert "请填写“是”或“否”" in page
    # Personal values are masked in the list: no full ID number nor phone on the page.
    assert "13900000000" not in page and "13857420001" not in page and rows[0][2] not in page
    assert rows[0][2][:6] + "********" + rows[0][2][-4:] in page
    assert "确认导入" not in page
    rejected = sheet_rows(b"".join(client.get(reverse("spreadsheets:job_rejected", args=[job.pk])).streaming_content))
    assert [row[0] for row in rejected[1:]] == [5]
    assert Beneficiary.objects.get(id_number=rows[0][2]).phone == "13857420001"  # nothing saved


def test_the_preview_shows_the_first_rows_only(admin_a, org_a, client_for, tmp_path):
    rows = [person(n, org_a) for n in range(1, PREVIEW_ROWS + 21)]
    upload(client_for(admin_a), write_xlsx(tmp_path / "b.xlsx", B_HEADERS, rows))
    job = last_job()
    assert job.status == "previewed" and job.summary["new"] == PREVIEW_ROWS + 20
    assert [r["row"] for r in job.preview] == list(range(2, PREVIEW_ROWS + 2))
    assert all(r["status"] == "new" for r in job.preview)


def confirm(client, job):
    client.post(reverse("spreadsheets:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done", job.errors


def test_reuploading_an_unchanged_sheet_changes_nothing_for_every_role(staff, admin_a, org_a, client_for, tmp_path):
    """Staff import a sheet that leaves 重点关爱 and 每月走访次数 blank; the person is then made
    key-care on the page; staff and then the organization's admin upload the same sheet again.
    A blank cell means "not given": 0 changes (it used to switch key-care off: "1 更新")."""
    path = write_xlsx(
        tmp_path / "b.xlsx", B_HEADERS, [person(1, org_a, 重点关爱="", 每月走访次数=""), person(2, org_a)]
    )
    upload(client_for(staff), path)
    confirm(client_for(staff), last_job())
    someone = Beneficiary.objects.get(id_number=person(1, org_a)[2])
    Beneficiary.objects.filter(pk=someone.pk).update(key_care=True, visit_cadence=2)
    for user in (staff, admin_a):
        upload(client_for(user), path)
        job = last_job()
        assert job.summary["updated"] == 0 and job.summary["new"] == 0 and job.summary["unchanged"] == 2, user
        assert {r["status"] for r in job.preview} == {"unchanged"}
        confirm(client_for(user), job)
    someone.refresh_from_db()
    assert someone.key_care and someone.visit_cadence == 2


def test_reimporting_cases_does_not_revert_a_status_the_page_moved(staff, admin_a, org_a, org_b, client_for, tmp_path):
    headers = sheets(org_a, org_b)["cases"][0]
    path = write_xlsx(
        tmp_path / "c.xlsx",
        headers,
        [["TJ-2026-0101", "2026-03-01", org_a.name, "婚姻纠纷", "张三", "李四", "", "", "", ""]],
    )
    upload(client_for(staff), path, resource="cases")
    confirm(client_for(staff), last_job())
    case = MediationCase.objects.get(number="TJ-2026-0101")
    case_transition(case=case, to_status=MediationCase.Status.MEDIATING, actor=staff)
    for user in (staff, admin_a):
        upload(client_for(user), path, resource="cases")
        job = last_job()
        assert (job.summary["updated"], job.summary["unchanged"]) == (0, 1), (user, job.preview)
    case.refresh_from_db()
    assert case.status == MediationCase.Status.MEDIATING and case.parties.count() == 2


def test_a_blank_cell_gives_a_new_record_its_default(org_a, tmp_path):
    result = run("beneficiaries", write_xlsx(tmp_path / "b.xlsx", B_HEADERS, [person(1, org_a, 重点关爱="")]))
    assert result.saved
    assert Beneficiary.objects.get().key_care is False


def test_the_import_page_and_command_agree(org_a, tmp_path):
    """The preview rows come from the same engine the command runs (dry run first)."""
    path = write_xlsx(tmp_path / "b.xlsx", B_HEADERS, [person(1, org_a)])
    result = run("beneficiaries", path, dry_run=True)
    assert result.rows == []  # the command asks for no preview rows
    assert result.new == 1


def test_a_changed_name_is_shown_by_its_column_only(org_a, tmp_path):
    run("beneficiaries", write_xlsx(tmp_path / "a.xlsx", B_HEADERS, [person(1, org_a)]))
    from spreadsheets.importer import import_sheet
    from spreadsheets.resources import get_resource

    path = write_xlsx(tmp_path / "b.xlsx", B_HEADERS, [person(1, org_a, 姓名="李1", 所属镇街="溪口镇")])
    result = import_sheet(get_resource("beneficiaries"), path, user=None, dry_run=True, preview_rows=5)
    assert result.rows[0]["changes"] == [["姓名", "王1", "李1"], ["所属镇街", "锦屏街道", "溪口镇"]]
