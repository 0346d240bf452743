"""Issue 14 on phones: a volunteer of the 旗袍 club refers 王奶奶 from a visit; the mediation
team's admin accepts, opens a case, closes it and completes the referral; the volunteer reads
the outcome.  Organization C sees nothing at any step."""

import pytest
from django.utils import timezone

from referrals.models import Referral
from tests.factories import BeneficiaryFactory, MembershipFactory, OrganizationFactory, UserFactory, VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fresh_phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def test_a_referral_from_a_visit_to_a_closed_case_and_back(
    browser, phone, live_server, login, member_a, org_a, org_b, password, shot
):
    admin_b = UserFactory(email="admin-b@example.cn", role="member", password=password, full_name="和事嫂调解员")
    MembershipFactory(user=admin_b, organization=org_b, role="admin")
    org_c = OrganizationFactory(name="心之岸社工服务社")
    member_c = UserFactory(email="member-c@example.cn", role="member", password=password, full_name="组织C社工")
    MembershipFactory(user=member_c, organization=org_c, role="member")
    person = BeneficiaryFactory(name="王奶奶", organization=org_a, phone="13857421234")
    visit = VisitFactory(beneficiary=person, organization=org_a, visit_date=timezone.localdate())
    url = live_server.url
    c_page = login(fresh_phone(browser), member_c)

    def c_sees_nothing(referral=None):
        for path in ("/referrals/", "/beneficiaries/", "/referrals/?box=outgoing"):
            c_page.goto(url + path)
            assert "王奶奶" not in c_page.locator("main").inner_text(), path
        for path in [f"/beneficiaries/{person.pk}/"] + ([f"/referrals/{referral.pk}/"] if referral else []):
            assert c_page.goto(url + path).status == 404, path

    # 1. The volunteer refers her from the visit.
    login(phone, member_a)
    phone.goto(f"{url}/beneficiaries/visits/{visit.pk}/")
    phone.get_by_role("link", name="转介").click()
    phone.select_option("#id_to_organization", str(org_b.pk))
    phone.select_option("#id_reason", "family_mediation")
    phone.fill("#id_note", "子女互相推脱赡养义务，老人希望调解。")
    phone.select_option("#id_consent_method", "verbal")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "referral-form-phone")
    phone.get_by_role("button", name="发出转介").click()
    phone.wait_for_url("**/referrals/*/")
    referral = Referral.objects.get()
    assert referral.status == "pending" and referral.source_visit_id == visit.pk
    c_sees_nothing(referral)

    # 2. The mediation team's admin, on a phone: the referral waits on the home page.
    b_page = login(fresh_phone(browser), admin_b)
    assert "等待接收的转介" in b_page.locator("main").inner_text()
    b_page.goto(f"{url}/referrals/{referral.pk}/")
    body = b_page.locator("main").inner_text()
    assert "王奶奶" in body and "138****1234" in body and "13857421234" not in body
    b_page.locator("#actions form[action$='/accept/'] button").click()
    b_page.wait_for_url(f"**/referrals/{referral.pk}/")
    assert "已接收" in b_page.locator("main").inner_text()
    c_sees_nothing(referral)

    # 3. Opens a case from the referral, mediates and closes it.
    b_page.select_option("#id_case-category", "elder_support")
    b_page.get_by_role("button", name="立案").click()
    b_page.wait_for_url("**/cases/*/")
    case_url = b_page.url
    assert "来自转介" in b_page.locator("main").inner_text()
    b_page.select_option("#id_status", "mediating")
    b_page.get_by_role("button", name="确认变更").click()
    b_page.wait_for_url(case_url)
    b_page.select_option("#id_status", "succeeded")
    b_page.fill("#id_closed_date", timezone.localdate().isoformat())
    b_page.fill("#id_outcome", "四个子女签订赡养承诺书。")
    b_page.get_by_role("button", name="确认变更").click()
    b_page.wait_for_url(case_url)
    assert "调解成功" in b_page.locator("main").inner_text()

    # 4. Completes the referral with its outcome.
    b_page.goto(f"{url}/referrals/{referral.pk}/")
    b_page.fill("#id_complete-outcome", "已调解成功：子女签订赡养承诺书，轮流照顾。")
    b_page.locator("#actions form[action$='/complete/'] button").click()
    b_page.wait_for_url(f"**/referrals/{referral.pk}/")
    shot(b_page, "referral-completed-receiver-phone")
    c_sees_nothing(referral)

    # 5. The volunteer reads the outcome.
    phone.goto(f"{url}/referrals/{referral.pk}/")
    body = phone.locator("main").inner_text()
    assert "已办结" in body and "子女签订赡养承诺书，轮流照顾" in body
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "referral-outcome-volunteer-phone")
