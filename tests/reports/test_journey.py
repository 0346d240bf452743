"""In a browser: a leader reads the dashboard on a phone; staff watch a report being built (the
status page polls) and download it."""

import pytest

from reports.models import MonthlyReport

from .conftest import MARCH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_reads_the_dashboard_on_a_phone(phone, live_server, login, leader, dataset, shot):
    errors = []
    phone.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    login(phone, leader)
    phone.goto(f"{live_server.url}/reports/?month=2026-03")
    phone.locator("h1", has_text="奉化区 · 2026-03 统计").wait_for()
    assert phone.locator(".chart svg").count() >= 4
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    visits = phone.locator(".figures li", has_text="走访（次）")
    assert visits.locator(".value").inner_text() == "7"
    # Chart text as drawn on the 360-px screen: the font size times the SVG's scale.
    smallest = phone.evaluate(
        """() => Math.min(...[...document.querySelectorAll('.chart svg text')].map(
            t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a))"""
    )
    assert smallest >= 11, smallest
    # Towns: one table scrolled sideways inside its box, not a card per town.
    assert phone.locator(".breakdown tbody tr").first.evaluate("tr => getComputedStyle(tr).display") == "table-row"
    height = phone.evaluate("document.documentElement.scrollHeight")
    assert height < 6000, height  # issue 13 measured 11,481 px with a card per town and organization
    shot(phone, "reports-dashboard-phone")
    phone.select_option("#id_town", label="岳林街道")
    phone.locator("button", has_text="查看").click()
    phone.locator("h1", has_text="岳林街道").wait_for()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_status_page_polls_until_the_download_appears(desktop, live_server, login, staff, dataset, shot):
    report = MonthlyReport.objects.create(
        scope_kind="district", scope_key="district", month=MARCH, status="running", progress=40
    )
    login(desktop, staff)
    desktop.goto(f"{live_server.url}/reports/monthly/{report.pk}/")
    assert desktop.locator("progress").get_attribute("value") == "40"
    shot(desktop, "reports-status-running")
    # The worker finishes: the page shows the link without being reloaded.
    from reports.building import build_report

    build_report(report.pk)
    link = desktop.locator("a", has_text="下载 PDF")
    link.wait_for(timeout=10000)
    with desktop.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert open(download.value.path(), "rb").read(4) == b"%PDF"
    shot(desktop, "reports-status-done")
