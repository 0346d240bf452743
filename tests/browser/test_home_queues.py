"""Each role's home page on a 360-px phone: the work queues' counts are the database's, a tap
opens the filtered list, nothing scrolls sideways; a screenshot of each (README shows them)."""

import pytest

from tests.test_home import build, expected_missing, expected_overdue, visible_orgs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def counts_on(page):
    return {
        item.get_attribute("data-item"): int(item.locator(".work-count").inner_text())
        for item in page.locator("li.work-item").all()
    }


@pytest.fixture
def world(org_a, org_b, admin_a, member_a, member_b, staff, leader):
    build(org_a, org_b, admin_a, member_a)


def test_each_roles_home_page_on_a_phone(world, phone, live_server, login, staff, leader, admin_a, member_a, shot):
    from beneficiaries.models import Visit
    from projects.models import ProjectReport
    from reports.building import build_report
    from reports.services import prepare_report
    from reports.statistics import Scope
    from tests.test_home import TODAY

    # A volunteer: her organization's overdue people and her week.
    login(phone, member_a)
    counts = counts_on(phone)
    assert counts["overdue"] == len(expected_overdue(visible_orgs(member_a))) == 3
    monday = TODAY.toordinal() - TODAY.weekday()
    assert (
        counts["my_visits_week"]
        == Visit.objects.filter(
            created_by=member_a,
            visit_date__gte=TODAY.fromordinal(monday),
            visit_date__lte=TODAY.fromordinal(monday + 6),
        ).count()
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "home-member-phone")
    phone.locator('[data-item="overdue"] a.work-link').click()
    phone.wait_for_url("**/beneficiaries/overdue/")
    assert phone.get_by_text("逾期甲0").count() >= 1 and phone.get_by_text("逾期乙0").count() == 0
    phone.context.clear_cookies()

    # The organization's admin: also the returned reports with their comments.
    login(phone, admin_a)
    counts = counts_on(phone)
    orgs = visible_orgs(admin_a)
    assert (
        counts["reports_returned"]
        == ProjectReport.objects.filter(status="returned", project__organization__in=orgs).count()
    )
    assert counts["reports_missing"] == len(expected_missing(orgs))
    assert counts["imports"] == 3
    assert phone.get_by_text("请补充活动照片").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "home-admin-phone")
    phone.context.clear_cookies()

    # Federation staff: the review queue, oldest first, and overdue people by town.
    login(phone, staff)
    counts = counts_on(phone)
    assert counts["reports_awaiting"] == ProjectReport.objects.filter(status="submitted").count() == 2
    assert counts["overdue"] == len(expected_overdue()) == 6
    assert counts["cases_open_long"] == 3
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "home-staff-phone")
    phone.locator('[data-item="cases_open_long"] a.work-link').click()
    phone.wait_for_url("**/cases/?open_over=60")
    assert phone.get_by_text("TJ-A70").count() == 1 and phone.get_by_text("TJ-A59").count() == 0
    phone.context.clear_cookies()

    # A leader: this month's figures against last month's, and the latest PDF.
    report = prepare_report(month=TODAY.replace(day=1), scope=Scope.district())
    build_report(report.pk)
    login(phone, leader)
    assert phone.locator("li.work-item").count() == 0
    assert phone.locator("tr[data-figure=visits] td").first.inner_text().strip() != ""
    assert phone.locator(f"a[href='/reports/monthly/{report.pk}/download/']").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "home-leader-phone")
