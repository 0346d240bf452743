import datetime
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.urls import reverse

from reports.files import report_path
from reports.models import MonthlyReport
from reports.presentation import key_care_overdue_count
from reports.services import request_report
from reports.statistics import Scope, compute
from reports.tasks import build_last_month_reports, build_monthly_report
from tests.factories import BeneficiaryFactory, town

from .conftest import MARCH, ORG_A


def build(scope, user, capture):
    with capture(execute=True):
        report = request_report(month=MARCH, scope=scope, user=user)
    report.refresh_from_db()
    return report


# --- dashboard --------------------------------------------------------------------------------


def test_dashboard_needs_login(client):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_dashboard_shows_district_figures_charts_and_towns(dataset, staff, client_for):
    response = client_for(staff).get(reverse("reports:dashboard"), {"month": "2026-03"})
    assert response.status_code == 200
    assert response.context["stats"]["month_figures"]["visits"] == 7
    html = response.content.decode()
    assert "奉化区 · 2026-03 统计" in html
    assert html.count("<svg") >= 4 and "<script" not in html.split("<main")[1].split("</main>")[0]
    assert "62,000.50" in html and "岳林街道" in html
    assert "&lt;b&gt;巾帼&lt;/b&gt;" in html  # an organization's name is escaped


def test_leader_picks_a_town_and_sees_no_personal_data(dataset, leader, client_for):
    response = client_for(leader).get(reverse("reports:dashboard"), {"month": "2026-03", "town": dataset["t2"].pk})
    assert response.status_code == 200
    assert response.context["stats"]["scope"] == {"kind": "town", "name": "岳林街道"}
    assert response.context["stats"]["month_figures"]["key_care_total"] == 2
    html = response.content.decode()
    assert "王秀英" not in html and "赡养义务" not in html


def test_dashboard_overdue_count(dataset, staff, client_for):
    BeneficiaryFactory(organization=dataset["a"], town=town("锦屏街道"), key_care=True, visit_cadence=2)
    # b1 (last visit 31 March), b2 (20 February) and b4 (25 March) are behind; the new one was
    # listed today; b5 is no longer on the register.
    assert key_care_overdue_count(Scope.district(), datetime.date(2026, 4, 20)) == 3
    assert key_care_overdue_count(Scope.for_organization(dataset["a"]), datetime.date(2026, 4, 20)) == 1
    assert key_care_overdue_count(Scope.district(), datetime.date(2026, 4, 5)) == 1  # only b2
    response = client_for(staff).get(reverse("reports:dashboard"))
    assert response.context["overdue"] == 3


def test_member_sees_only_their_organization(dataset, org_a, org_b, member_a, client_for):
    response = client_for(member_a).get(reverse("reports:dashboard"), {"month": "2026-03"})
    assert response.context["stats"]["scope"] == {"kind": "organization", "name": org_a.name}
    other = client_for(member_a).get(reverse("reports:dashboard"), {"month": "2026-03", "organization": org_b.pk})
    assert other.status_code == 200
    assert other.context["stats"]["scope"]["name"] == org_a.name  # B refused, back to A
    assert org_b.name not in other.content.decode().split("<main")[1]


# --- asking for a report ----------------------------------------------------------------------


def test_leader_requests_district_and_town_but_not_organization_reports(
    dataset, leader, client_for, django_capture_on_commit_callbacks
):
    client = client_for(leader)
    url = reverse("reports:report_list")
    assert "organization" not in client.get(url).context["form"].fields
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"month": "2026-03", "town": dataset["t1"].pk})
    report = MonthlyReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:report_status", args=[report.pk])
    assert report.scope_key == f"town:{dataset['t1'].pk}" and report.status == "done"
    status = client.get(response["Location"])
    assert reverse("reports:report_download", args=[report.pk]) in status.content.decode()


def test_member_cannot_request_another_organizations_report(org_a, org_b, member_a, client_for):
    response = client_for(member_a).post(reverse("reports:report_list"), {"month": "2026-03", "organization": org_b.pk})
    assert response.status_code == 200 and response.context["form"].errors
    assert not MonthlyReport.objects.exists()


def test_future_month_is_refused(staff, client_for):
    response = client_for(staff).post(reverse("reports:report_list"), {"month": "2999-01"})
    assert "月份不能晚于本月" in response.content.decode()
    assert not MonthlyReport.objects.exists()


def test_enqueued_only_after_commit(dataset, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = request_report(month=MARCH, scope=Scope.district(), user=staff)
    report.refresh_from_db()
    assert report.status == "pending" and len(callbacks) == 1


def test_progress_fragment_polls_until_done(org_a, member_a, client_for):
    report = MonthlyReport.objects.create(
        scope_kind="organization",
        scope_key=f"org:{org_a.pk}",
        organization=org_a,
        month=MARCH,
        progress=40,
        status="running",
    )
    url = reverse("reports:report_progress", args=[report.pk])
    html = client_for(member_a).get(url).content.decode()
    assert f'data-poll="{url}"' in html and 'value="40"' in html
    MonthlyReport.objects.filter(pk=report.pk).update(status="done")
    html = client_for(member_a).get(url).content.decode()
    assert "data-poll" not in html and "下载 PDF" in html


# --- downloads, failures, reruns --------------------------------------------------------------


def test_download_access_per_role(
    dataset, org_a, staff, leader, member_a, member_b, client_for, django_capture_on_commit_callbacks
):
    district = build(Scope.district(), staff, django_capture_on_commit_callbacks)
    own = build(Scope.for_organization(org_a), member_a, django_capture_on_commit_callbacks)
    assert district.status == own.status == "done"

    def get(user, report):
        return client_for(user).get(reverse("reports:report_download", args=[report.pk]))

    response = get(leader, district)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert get(leader, own).status_code == 404
    assert get(member_b, own).status_code == 404
    assert get(member_b, district).status_code == 404
    assert get(member_a, own).status_code == 200
    assert get(staff, own).status_code == 200
    # Access is checked on each download: a member who leaves loses it.
    member_a.memberships.all().delete()
    assert get(member_a, own).status_code == 404


def test_failed_build_shows_a_chinese_message(
    dataset, staff, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(context):
        raise RuntimeError("weasyprint exploded at line 42")

    monkeypatch.setattr("reports.pdf.render_pdf", broken)
    report = build(Scope.district(), staff, django_capture_on_commit_callbacks)
    assert report.status == "failed"
    assert report.error.startswith("报告生成失败：生成报告时发生内部错误。")
    html = client_for(staff).get(reverse("reports:report_status", args=[report.pk])).content.decode()
    assert "报告生成失败" in html
    assert "Traceback" not in html and "RuntimeError" not in html and "exploded" not in html
    assert client_for(staff).get(reverse("reports:report_download", args=[report.pk])).status_code == 404


def test_transient_database_error_is_retried(dataset, staff, monkeypatch):
    from reports import pdf

    real, calls = pdf.render_pdf, []

    def flaky(context):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(context)

    monkeypatch.setattr("reports.pdf.render_pdf", flaky)
    report = MonthlyReport.objects.create(scope_kind="district", scope_key="district", month=MARCH)
    # As a worker runs it: the error stays in the task, which retries (in-process mode, where
    # errors propagate to the caller, Celery raises the Retry instead of retrying).
    build_monthly_report.apply(args=[report.pk], throw=False)
    report.refresh_from_db()
    assert len(calls) == 2 and report.status == "done"


def test_rerun_replaces_the_report_and_its_file(dataset, staff, settings, django_capture_on_commit_callbacks):
    first = build(Scope.district(), staff, django_capture_on_commit_callbacks)
    first_path = report_path(first)
    second = build(Scope.district(), staff, django_capture_on_commit_callbacks)
    assert MonthlyReport.objects.count() == 1 and second.pk == first.pk
    files = list(settings.REPORT_STORAGE_ROOT.rglob("*.pdf"))
    assert files == [report_path(second)] and not first_path.exists()
    assert len(second.file.split("/")[-1]) > 30  # unguessable name


def test_beat_task_asks_for_every_scope(org_a, org_b, dataset):
    assert build_last_month_reports() == 1 + 12 + 5  # district, towns, active organizations
    assert MonthlyReport.objects.filter(scope_kind="organization").count() == 5
    assert set(MonthlyReport.objects.values_list("month", flat=True)) == {
        (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    }


# --- the command ------------------------------------------------------------------------------


GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize(
    ("args", "golden"),
    [
        (["2026-03"], "golden_district.json"),
        (["2026-03", "--town", "岳林街道"], "golden_town.json"),
        (["2026-01"], "golden_january.json"),
    ],
)
def test_command_json_is_byte_for_byte_what_it_was(dataset, args, golden):
    """compute() returns typed values now; --json prints exactly what it printed when it
    returned strings (the files were written by the command before that change): amounts as
    "62000.50", the month as "2026-03", rates as numbers, the same keys in the same order."""
    out = StringIO()
    call_command("monthly_report", *args, "--json", stdout=out)
    assert out.getvalue() == (GOLDEN / golden).read_text(encoding="utf-8")


def test_command_json_is_the_statistics(dataset):
    out = StringIO()
    call_command("monthly_report", "2026-03", "--json", stdout=out)
    data = json.loads(out.getvalue())
    stats = compute(MARCH, Scope.district())
    assert data["month"] == "2026-03" and stats["month"] == MARCH
    assert data["month_figures"]["project_funds"] == "62000.50"
    assert stats["month_figures"]["project_funds"] == Decimal("62000.50")
    assert data["month_figures"]["visits"] == stats["month_figures"]["visits"] == 7
    out = StringIO()
    call_command("monthly_report", "2026-03", "--org", ORG_A, "--json", stdout=out)
    assert json.loads(out.getvalue())["month_figures"]["visits"] == 5


def test_command_builds_the_pdf(dataset):
    out = StringIO()
    call_command("monthly_report", "2026-03", "--town", "岳林街道", stdout=out)
    path = out.getvalue().strip()
    assert path.endswith(".pdf") and open(path, "rb").read(4) == b"%PDF"
    assert MonthlyReport.objects.get().scope_kind == "town"


@pytest.mark.parametrize(
    "args, message",
    [
        (["2026-13"], "月份格式应为 YYYY-MM"),
        (["2026-03", "--town", "火星镇"], "没有名为“火星镇”的镇街"),
        (["2026-03", "--org", "不存在的组织"], "没有名为“不存在的组织”的组织"),
    ],
)
def test_command_errors_are_chinese(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("monthly_report", *args)


def test_report_list_costs_the_same_queries_for_10_and_100_rows(staff, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import OrganizationFactory

    def add(n):
        for _i in range(n):
            org = OrganizationFactory()
            MonthlyReport.objects.create(
                scope_kind="organization",
                scope_key=f"org:{org.pk}",
                organization=org,
                month=MARCH,
                status="done",
                file="x.pdf",
            )

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client_for(staff).get(reverse("reports:report_list"), {"per_page": 200})
        assert response.status_code == 200
        return len(queries.captured_queries), response.content.decode().count("下载</a>")

    add(10)
    small, rows = count()
    assert rows == 10
    add(90)
    assert count() == (small, 100)


def test_demo_builds_last_months_district_report_once(db):
    import random

    from reports import demo

    ctx = {"today": datetime.date(2026, 4, 15), "rng": random.Random(1), "scale": 0, "log": lambda msg: None}
    demo.seed(ctx)
    report = MonthlyReport.objects.get()
    assert (report.scope_key, report.month, report.status) == ("district", datetime.date(2026, 3, 1), "done")
    demo.seed(ctx)  # idempotent: the existing report is kept
    assert MonthlyReport.objects.get().file == report.file
