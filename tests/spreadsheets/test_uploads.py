"""Uploads never trust the sheet's own numbers (issue 11, finding 5): rows are counted while
they stream and refused beyond IMPORT_MAX_ROWS; a large file is not parsed in the request."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beneficiaries.models import Beneficiary
from spreadsheets import files
from spreadsheets.services import job_path, rejected_path

from .helpers import run, write_csv, write_xlsx, write_xlsx_with_false_dimension
from .test_rejections import B_HEADERS, person
from .test_web import last_job, upload

pytestmark = pytest.mark.django_db

REQUIRED = ["姓名", "身份证号", "所属镇街", "村社区", "负责组织"]


@pytest.fixture
def rows_read(monkeypatch):
    """Counts the rows the xlsx reader yields (header included)."""
    counter = {"n": 0}
    original = files._xlsx_rows

    def counting(path):
        for item in original(path):
            counter["n"] += 1
            yield item

    monkeypatch.setattr(files, "_xlsx_rows", counting)
    return counter


def test_the_cap_defaults_to_100000_rows_and_the_page_says_so(admin_a, client_for):
    from django.conf import settings as django_settings
    from django.urls import reverse

    assert django_settings.IMPORT_MAX_ROWS == 100_000
    page = client_for(admin_a).get(reverse("spreadsheets:index")).content.decode()
    assert "不超过 10 MB、100,000 行" in page


def test_270000_rows_behind_a_false_dimension_are_left_to_the_task_and_refused_at_the_cap(
    admin_a, org_a, client_for, tmp_path, settings, rows_read, django_capture_on_commit_callbacks
):
    path = write_xlsx_with_false_dimension(
        tmp_path / "270k.xlsx",
        REQUIRED,
        lambda n: [f"王{n}", f"33028319500101{n:04d}"[-18:], "锦屏街道", "东门村", org_a.name],
        270_000,
        dimension="A1:K2",
    )
    settings.IMPORT_MAX_ROWS = 3_000  # the default is 100,000; a smaller cap keeps the test quick
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client_for(admin_a), path)
    job = last_job()
    # The request parsed no row: the file (92 MB of XML) is the task's to read.
    assert response.status_code == 302 and rows_read["n"] == 0
    assert job.status == "uploaded" and len(callbacks) == 1 and job_path(job).exists()

    callbacks[0]()  # the preview task (in-process, as Celery runs it without a broker)
    job.refresh_from_db()
    assert job.status == "rejected"
    assert "工作表超过 3,000 行数据" in job.errors[0][2]
    assert not job_path(job).exists() and not rejected_path(job).exists()
    # It stopped at the cap instead of reading the 270,000 rows.
    assert 3_000 < rows_read["n"] <= 3_002
    assert Beneficiary.objects.count() == 0


def test_a_small_file_is_previewed_in_the_request_and_its_rows_counted(admin_a, org_a, client_for, tmp_path):
    path = write_xlsx_with_false_dimension(
        tmp_path / "small.xlsx", B_HEADERS, lambda n: person(n, org_a), 30, dimension="A1:K2"
    )
    upload(client_for(admin_a), path)
    job = last_job()
    # The false dimension says one data row; the preview counted thirty.
    assert job.status == "previewed" and job.total_rows == 30 and job.summary["new"] == 30


def test_the_cap_holds_for_csv_and_the_command(org_a, tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 20
    path = write_csv(tmp_path / "b.csv", B_HEADERS, [person(n, org_a) for n in range(1, 22)])
    with pytest.raises(CommandError, match="工作表超过 20 行数据"):
        call_command("import_xlsx", "beneficiaries", str(path), stdout=io.StringIO())
    exactly = write_xlsx(tmp_path / "b.xlsx", B_HEADERS, [person(n, org_a) for n in range(1, 21)])
    assert run("beneficiaries", exactly).saved and Beneficiary.objects.count() == 20


def test_blank_rows_count_towards_the_cap(org_a, tmp_path, settings):
    """A sheet of empty rows costs as much to read as a full one."""
    settings.IMPORT_MAX_ROWS = 10
    rows = [person(1, org_a)] + [[""] * len(B_HEADERS)] * (files.MAX_BLANK_ROWS + 20)
    path = write_csv(tmp_path / "blank.csv", B_HEADERS, rows)
    with pytest.raises(files.FileRejected, match="工作表超过 10 行数据"):
        run("beneficiaries", path, dry_run=True)


def test_the_reader_uses_only_public_openpyxl_apis():
    import inspect

    source = inspect.getsource(files)
    for private in ("_reader", "WorkSheetParser", "_shared_strings", "_get_source", "_worksheet_path", "_archive"):
        assert private not in source, private


def test_a_cancel_during_the_preview_task_wins(admin_a, org_a, client_for, tmp_path, monkeypatch):
    """The user cancels while the task reads the sheet: the job stays cancelled, no file stays."""
    from django.urls import reverse

    from spreadsheets import importer, services

    client = client_for(admin_a)
    monkeypatch.setattr(services, "INLINE_PREVIEW_BYTES", 0)  # every file to the task
    upload(client, write_xlsx(tmp_path / "b.xlsx", B_HEADERS, [person(1, org_a), person(2, org_a, 姓名="")]))
    job = last_job()
    assert job.status == "uploaded"
    original = importer.import_sheet

    def cancelled_meanwhile(*args, **kwargs):
        result = original(*args, **kwargs)
        client.post(reverse("spreadsheets:job_cancel", args=[job.pk]))
        return result

    monkeypatch.setattr(services, "import_sheet", cancelled_meanwhile)
    services.job_preview(job=job)
    job.refresh_from_db()
    assert job.status == "cancelled"
    assert not job_path(job).exists() and not rejected_path(job).exists()
