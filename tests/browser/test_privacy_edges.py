"""Personal data at the edges, in Chromium: a case party's phone revealed in place (htmx, under
the CSP) and recorded; the full export's form; the staff audit page."""

import pytest

from organizations.models import DataAccessEvent
from tests.factories import BeneficiaryFactory, CasePartyFactory, MediationCaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mediator_reveals_a_partys_phone_and_staff_see_it_in_the_audit_log(
    phone, desktop, browser, live_server, login, member_a, admin_a, staff, org_a, shot
):
    case = MediationCaseFactory(organization=org_a)
    party = CasePartyFactory(case=case, name="葛秋月", phone="13857426666")
    BeneficiaryFactory(organization=org_a, name="蒋雅琴")
    errors = []
    phone.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    login(phone, member_a)
    phone.goto(f"{live_server.url}/cases/{case.pk}/")
    assert "138****6666" in phone.content() and "13857426666" not in phone.content()
    phone.locator(f"#reveal-party-{party.pk}-phone button").click()
    phone.locator(".revealed", has_text="13857426666").wait_for()
    shot(phone, "privacy-party-revealed-phone")
    assert DataAccessEvent.objects.get().subjects.get().record_id == party.pk
    assert not [e for e in errors if "Content Security Policy" in e], errors

    login(desktop, admin_a)
    desktop.goto(f"{live_server.url}/spreadsheets/export/beneficiaries/full/")
    assert "用途" in desktop.content()
    shot(desktop, "privacy-full-export-form")
    with desktop.expect_download() as download:
        desktop.fill("#id_purpose", "年底走访核对")
        desktop.locator("button", has_text="导出").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = login(context.new_page(), staff)
    page.goto(f"{live_server.url}/organizations/audit/")
    text = page.locator("main").inner_text()
    assert "查看个人信息" in text and "葛秋月" in text and "完整导出" in text and "年底走访核对" in text
    shot(page, "privacy-audit-log")
    context.close()
