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
        organization=org_a, name="蒋阿婆", name_initials=name_initials("蒋阿婆"), key_care=True, visit_cadence=2,
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


def test_member_of_b_gets_the_404_page_for_a_beneficiary_of_a(desktop, live_server, login, member_b, org_a, shot, settings):
    person = BeneficiaryFactory(organization=org_a, name="胡秀珍")
    login(desktop, member_b)
    response = desktop.goto(f"{live_server.url}/beneficiaries/{person.pk}/")
    assert response.status == 404
    body = desktop.locator("main").inner_text()
    assert "找不到该页面" in body and "胡秀珍" not in desktop.content()
    shot(desktop, "journey4-not-found")
