"""The weekly overdue digest and the organization page's beneficiaries panel."""

import datetime

import pytest
from django.urls import reverse

from beneficiaries.tasks import send_overdue_digest
from tests.factories import BeneficiaryFactory, VisitFactory, town

pytestmark = pytest.mark.django_db


def overdue_person(org, name, town_name="锦屏街道"):
    return BeneficiaryFactory(
        organization=org,
        name=name,
        key_care=True,
        visit_cadence=2,
        key_care_since=datetime.date(2026, 1, 1),
        town=town(town_name),
    )


def test_digest_mails_admins_their_count_with_masked_names_and_staff_the_district(
    mailoutbox, admin_a, member_a, staff, org_a, org_b, django_capture_on_commit_callbacks
):
    overdue_person(org_a, "王秀英")
    overdue_person(org_a, "陈美华", "溪口镇")
    overdue_person(org_b, "李玉兰")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_digest.delay("2026-03-01").get() == 2
    by_recipient = {tuple(m.to): m for m in mailoutbox}
    mail_a = by_recipient[(admin_a.email,)]
    assert "2 位重点关爱对象逾期未访" in mail_a.subject
    assert "王**" in mail_a.body and "陈**" in mail_a.body
    assert "王秀英" not in mail_a.body and "李" not in mail_a.body
    staff_mail = by_recipient[(staff.email,)]
    assert "全区共有 3 位" in staff_mail.body and "溪口镇：1" in staff_mail.body and "锦屏街道：2" in staff_mail.body
    assert "王秀英" not in staff_mail.body
    assert member_a.email not in [address for m in mailoutbox for address in m.to]
    assert "http://127.0.0.1:8000/beneficiaries/overdue/" in mail_a.body  # SITE_URL's default

    # Run again (a second beat, a message delivered twice): the same mails, not sent again.
    with django_capture_on_commit_callbacks(execute=True):
        send_overdue_digest.delay("2026-03-01").get()
    assert len(mailoutbox) == 2


def test_no_overdue_no_admin_mail(mailoutbox, admin_a, org_a):
    person = overdue_person(org_a, "王秀英")
    VisitFactory(beneficiary=person, visit_date=datetime.date(2026, 2, 25))
    assert send_overdue_digest("2026-03-01") == 0
    assert mailoutbox == []


def test_panel_shows_figures_to_the_organization_and_staff_not_leaders(client_for, member_a, staff, leader, org_a):
    overdue_person(org_a, "王秀英")
    BeneficiaryFactory(organization=org_a)
    url = reverse("organizations:detail", args=[org_a.pk])
    for user in (member_a, staff):
        html = client_for(user).get(url).content.decode()
        assert '<span class="value">2</span><span class="label">在册服务对象' in html
        assert '<span class="value">1</span><span class="label">重点关爱对象' in html
    assert "服务对象与走访" not in client_for(leader).get(url).content.decode()
