"""Issue 10: an organization admin invites someone who already has an account; on a cheap phone
the invitee finds the invitation on the home page (and in the email), accepts, and only then
sees the organization's people."""

import re

import pytest

from organizations.models import Membership
from tests.factories import BeneficiaryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_invited_account_accepts_on_a_phone_and_then_sees_the_organizations_people(
    browser, phone, live_server, login, admin_a, member_b, org_a, shot, mailoutbox, settings
):
    settings.SITE_URL = live_server.url
    BeneficiaryFactory(organization=org_a, name="蒋阿婆")
    admin_page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    login(admin_page, admin_a)
    admin_page.goto(f"{live_server.url}/organizations/{org_a.pk}/")
    admin_page.fill("#id_email", member_b.email)
    admin_page.fill("#id_full_name", member_b.full_name)
    admin_page.locator("button", has_text="添加").click()
    assert "已发出邀请" in admin_page.locator("body").inner_text()
    assert admin_page.locator("table.invitations").get_by_text(member_b.email).count() == 1
    assert not Membership.objects.filter(user=member_b, organization=org_a).exists()

    # The invitee, on a phone: before accepting, none of A's people.
    login(phone, member_b)
    phone.goto(f"{live_server.url}/beneficiaries/")
    assert phone.locator("main").get_by_text("蒋阿婆").count() == 0
    # The email's link leads to the invitation on the home page.
    (mail,) = [m for m in mailoutbox if m.to == [member_b.email]]
    link = re.search(r"https?://\S+#invitations", mail.body).group(0)
    phone.goto(link)
    card = phone.locator("#invitations .invitation")
    assert org_a.name in card.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "invitation-home-phone")
    card.locator("button", has_text="接受").click()
    phone.wait_for_url(f"**/organizations/{org_a.pk}/")
    assert "您已加入" in phone.locator("body").inner_text()
    assert Membership.objects.get(user=member_b, organization=org_a).role == "member"

    phone.goto(f"{live_server.url}/beneficiaries/")
    assert phone.locator("main").get_by_text("蒋阿婆").count() >= 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "invitation-accepted-people-phone")
