"""The four journeys of the portal, in Debian's Chromium (see conftest.py)."""

import datetime

import pytest
from django.utils import timezone

from beneficiaries.services import name_initials
from tests.factories import BeneficiaryFactory, VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_volunteer_logs_a_visit_to_an_overdue_key_care_beneficiary(phone, live_server, login, member_a, org_a, shot):
    today = timezone.localdate()
    person = BeneficiaryFactory(
        organization=org_a,
        name="蒋阿婆",
        name_initials=name_initials("蒋阿婆"),
        key_care=True,
        visit_cadence=2,
        key_care_since=today - datetime.timedelta(days=90),
    )
    VisitFactory(beneficiary=person, visit_date=today - datetime.timedelta(days=40))
    login(phone, member_a)
    phone.goto(f"{live_server.url}/beneficiaries/overdue/")
    assert phone.locator("main").get_by_text("蒋阿婆").count() >= 1
    shot(phone, "journey1-overdue-before")
    phone.goto(f"{live_server.url}/beneficiaries/visits/new/")
    phone.fill("#id_q", "jap")
    phone.locator("#pick-results a", has_text="蒋阿婆").click()
    phone.wait_for_url(f"**/visits/new/{person.pk}/")
    phone.locator("label", has_text="入户走访").click()
    shot(phone, "journey1-visit-form")
    phone.locator("button", has_text="保存走访").click()
    phone.wait_for_url(f"**/beneficiaries/{person.pk}/#visits")
    phone.goto(f"{live_server.url}/beneficiaries/overdue/")
    assert phone.locator("main").get_by_text("蒋阿婆").count() == 0
    shot(phone, "journey1-overdue-after")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_member_of_b_gets_the_404_page_for_a_beneficiary_of_a(
    desktop, live_server, login, member_b, org_a, shot, settings
):
    person = BeneficiaryFactory(organization=org_a, name="胡秀珍")
    login(desktop, member_b)
    response = desktop.goto(f"{live_server.url}/beneficiaries/{person.pk}/")
    assert response.status == 404
    body = desktop.locator("main").inner_text()
    assert "找不到该页面" in body and "胡秀珍" not in desktop.content()
    shot(desktop, "journey4-not-found")


def test_report_is_submitted_returned_revised_and_approved(
    browser, live_server, login, admin_a, staff, org_a, shot, mailoutbox
):
    from projects.models import ProjectReport
    from tests.factories import CharityProjectFactory

    project = CharityProjectFactory(organization=org_a, name="关爱老妇女主任公益项目")
    admin_page = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN").new_page()
    staff_page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    login(admin_page, admin_a)
    login(staff_page, staff)

    # The organization admin writes a draft and submits it.
    admin_page.goto(f"{live_server.url}/projects/{project.pk}/reports/new/")
    admin_page.fill("#id_narrative", "本月走访老妇女主任30人次，送去关爱物资。")
    admin_page.fill("#id_people_served", "30")
    admin_page.fill("#id_funds_spent", "3000")
    admin_page.locator("button", has_text="保存草稿").click()
    admin_page.locator("button", has_text="提交审核").click()
    report = ProjectReport.objects.get(project=project)
    assert report.status == "submitted"
    shot(admin_page, "journey2-submitted-phone")

    # Staff find it in the review queue and return it with a comment.
    staff_page.goto(f"{live_server.url}/projects/reports/review/")
    staff_page.locator("main a", has_text=project.name).first.click()
    staff_page.fill("#id_review_comment", "请补充物资发放清单。")
    staff_page.locator("button", has_text="退回修改").click()
    report.refresh_from_db()
    assert report.status == "returned" and report.review_comment == "请补充物资发放清单。"
    shot(staff_page, "journey2-returned")

    # The admin sees the comment, revises and resubmits.
    admin_page.goto(f"{live_server.url}/projects/reports/{report.pk}/")
    assert "请补充物资发放清单" in admin_page.content()
    admin_page.locator("main .actions a", has_text="修改").click()
    admin_page.fill("#id_narrative", "本月走访老妇女主任30人次，物资发放清单见附件。")
    admin_page.locator("button", has_text="保存草稿").click()
    admin_page.locator("button", has_text="提交审核").click()
    report.refresh_from_db()
    assert report.status == "submitted"

    # Staff approve; the report is locked.
    staff_page.goto(f"{live_server.url}/projects/reports/{report.pk}/")
    staff_page.locator("button", has_text="审核通过").click()
    report.refresh_from_db()
    assert report.status == "approved"
    admin_page.goto(f"{live_server.url}/projects/reports/{report.pk}/")
    assert admin_page.locator("button", has_text="提交审核").count() == 0
    assert admin_page.locator("main .actions a", has_text="修改").count() == 0
    shot(admin_page, "journey2-approved-phone")


@pytest.mark.programs("pdftotext")
def test_leader_downloads_the_monthly_pdf_from_the_dashboard_without_personal_data(
    desktop, live_server, login, leader, org_a, shot, tmp_path
):
    import subprocess

    from tests.factories import CasePartyFactory, MediationCaseFactory

    people = [
        BeneficiaryFactory(
            organization=org_a,
            name=name,
            key_care=True,
            visit_cadence=2,
            key_care_since=datetime.date(2026, 1, 1),
            phone=phone,
            address=address,
        )
        for name, phone, address in [
            ("毛美儿", "13957411111", "萧王庙街道青云村8号"),
            ("董萍儿", "13957422222", "锦屏街道南门社区3号"),
        ]
    ]
    for person in people:
        VisitFactory(beneficiary=person, visit_date=datetime.date(2026, 3, 5))
    case = MediationCaseFactory(
        organization=org_a, received_date=datetime.date(2026, 3, 2), summary="王奶奶四个儿女互相推脱赡养义务"
    )
    CasePartyFactory(case=case, name="王奶奶", phone="13957433333")

    login(desktop, leader)
    desktop.goto(f"{live_server.url}/reports/?month=2026-03")
    shot(desktop, "journey3-dashboard-leader")
    desktop.locator("a", has_text="月度报告（PDF）").click()
    desktop.fill("#id_month", "2026-03")
    desktop.locator("button", has_text="生成报告").click()
    link = desktop.locator("a", has_text="下载 PDF")
    link.wait_for(timeout=60000)
    shot(desktop, "journey3-report-ready")
    with desktop.expect_download() as download:
        link.click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "2026" in text and "走访" in text  # the report itself is there, every page of it
    secrets = [p.name for p in people] + [p.id_number for p in people] + [p.phone for p in people]
    secrets += [p.address for p in people] + ["王奶奶", "13957433333", "赡养义务"]
    for secret in secrets:
        assert secret not in text, f"personal data in the leader's PDF: {secret}"
