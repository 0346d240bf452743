"""Access through the one rule: the receiving organization sees the person from acceptance until
REFERRAL_ACCESS_DAYS after completion (masked, audited reveal), never before, never after; the
others' visits stay in their scope; organization C sees nothing at any step."""

import datetime

import pytest
from django.urls import reverse
from freezegun import freeze_time

from beneficiaries.models import AccessGrant, Beneficiary
from organizations.models import DataAccessEvent
from referrals import services
from tests.factories import VisitFactory

pytestmark = pytest.mark.django_db


def sees(user, person):
    return Beneficiary.objects.visible_to(user).filter(pk=person.pk).exists()


def test_before_acceptance_the_receiver_sees_only_the_referral(send, person_a, member_b, client_for):
    referral = send()
    assert not sees(member_b, person_a)
    client = client_for(member_b)
    assert client.get(reverse("beneficiaries:detail", args=[person_a.pk])).status_code == 404
    assert client.post(reverse("beneficiaries:reveal", args=[person_a.pk, "phone"])).status_code == 404
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 200


def test_from_acceptance_the_receiver_sees_the_record_masked_with_an_audited_reveal(
    send, person_a, org_a, member_b, client_for
):
    other_visit = VisitFactory(beneficiary=person_a, organization=org_a, notes="甲组织的走访记录")
    services.referral_step(referral=send(), action="accept", actor=member_b)
    assert sees(member_b, person_a)
    client = client_for(member_b)
    page = client.get(reverse("beneficiaries:detail", args=[person_a.pk])).content.decode()
    assert "王奶奶" in page
    assert "13857421234" not in page  # masked
    assert "甲组织的走访记录" not in page and reverse("beneficiaries:visit_detail", args=[other_visit.pk]) not in page
    assert client.get(reverse("beneficiaries:visit_detail", args=[other_visit.pk])).status_code == 404
    revealed = client.post(reverse("beneficiaries:reveal", args=[person_a.pk, "phone"]))
    assert "13857421234" in revealed.content.decode()
    event = DataAccessEvent.objects.get(user=member_b, action="reveal")
    assert event.field == "phone"


def test_access_ends_30_days_after_completion(send, person_a, member_b, client_for):
    with freeze_time("2026-03-02 09:00"):
        referral = services.referral_step(referral=send(), action="accept", actor=member_b)
    with freeze_time("2026-03-20 09:00"):
        services.referral_step(referral=referral, action="complete", actor=member_b, outcome="达成协议")
        assert sees(member_b, person_a)
    with freeze_time("2026-04-19 08:59"):
        assert sees(member_b, person_a)
    with freeze_time("2026-04-19 09:01"):
        assert not sees(member_b, person_a)
        assert client_for(member_b).get(reverse("beneficiaries:detail", args=[person_a.pk])).status_code == 404
        # The referral page stays: it is B's record of its own work.
        assert client_for(member_b).get(reverse("referrals:detail", args=[referral.pk])).status_code == 200


def test_a_rejected_or_withdrawn_referral_gives_nothing(send, person_a, member_b, member_a):
    services.referral_step(referral=send(), action="reject", actor=member_b, reject_reason="不在服务范围")
    services.referral_step(referral=send(), action="withdraw", actor=member_a)
    assert not sees(member_b, person_a)
    assert not AccessGrant.objects.exists()


def test_organization_c_sees_nothing_at_any_step(send, person_a, member_b, member_c, client_for):
    referral = send()
    client = client_for(member_c)

    def nothing():
        assert not sees(member_c, person_a)
        assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
        assert client.get(reverse("beneficiaries:detail", args=[person_a.pk])).status_code == 404

    nothing()
    services.referral_step(referral=referral, action="accept", actor=member_b)
    nothing()
    services.referral_step(referral=referral, action="complete", actor=member_b, outcome="完成")
    nothing()


def test_the_grant_is_per_organization_and_person(send, person_a, org_a, member_b):
    from tests.factories import BeneficiaryFactory

    other = BeneficiaryFactory(organization=org_a)
    services.referral_step(referral=send(), action="accept", actor=member_b)
    assert sees(member_b, person_a) and not sees(member_b, other)
    assert list(Beneficiary.objects.visible_to(member_b)) == [person_a]


def test_grant_window_matches_the_setting(send, member_b, settings):
    settings.REFERRAL_ACCESS_DAYS = 10
    referral = services.referral_step(referral=send(), action="accept", actor=member_b)
    referral = services.referral_step(referral=referral, action="complete", actor=member_b, outcome="完成")
    grant = AccessGrant.objects.get()
    assert grant.ends - referral.completed_at == datetime.timedelta(days=10)


def test_organization_c_gets_nothing_from_any_referral_url(send, person_a, member_b, member_c, client_for, org_c):
    """Every referral URL, GET and POST, as a member of C (an organization on neither side):
    404 (existence not revealed) or, for pages without a record, nothing of A's or B's; the
    database unchanged by every POST."""
    from referrals.models import Referral
    from tests.access_matrix.walker import changed_tables, snapshot
    from tests.factories import MediationCaseFactory

    waiting = send()
    accepted = services.referral_step(referral=send(), action="accept", actor=member_b)
    client = client_for(member_c)
    from referrals.urls import urlpatterns

    names = [pattern.name for pattern in urlpatterns]
    record_urls = {
        "detail": [waiting.pk, accepted.pk],
        "open_case": [accepted.pk],
        "create": [person_a.pk],
        "create_from_visit": [VisitFactory(beneficiary=person_a, organization=person_a.organization).pk],
        "from_case": [MediationCaseFactory(organization=person_a.organization).pk],
    }
    before = snapshot()
    for name in names:
        if name in ("list", "request"):
            continue
        for pk in record_urls.get(name, [waiting.pk, accepted.pk]):
            url = reverse(f"referrals:{name}", args=[pk])
            assert client.get(url).status_code in (404, 405), url
            assert client.post(url, {"reject-reject_reason": "x", "complete-outcome": "y"}).status_code == 404, url
    assert changed_tables(before, snapshot()) == []
    listed = client.get(reverse("referrals:list"), {"box": "incoming"}).content.decode()
    assert "王奶奶" not in listed
    assert "王奶奶" not in client.get(reverse("referrals:list"), {"box": "outgoing"}).content.decode()
    assert Referral.objects.visible_to(member_c).count() == 0
