"""The referral pages as each side uses them: send from a person or a visit, act on the detail
page, the lists' tabs; refused POSTs leave the database unchanged."""

import datetime

import pytest
from django.urls import reverse

from referrals import services
from referrals.models import Referral
from tests.factories import VisitFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def form(**changes):
    return {
        "to_organization": changes.pop("to", None),
        "reason": "family_mediation",
        "urgency": "urgent",
        "note": "子女拒绝赡养。",
        "consent_date": TODAY.isoformat(),
        "consent_method": "verbal",
        **changes,
    }


def test_a_volunteer_refers_from_a_visit(person_a, org_a, org_b, member_a, client_for):
    visit = VisitFactory(beneficiary=person_a, organization=org_a)
    client = client_for(member_a)
    page = client.get(reverse("beneficiaries:visit_detail", args=[visit.pk])).content.decode()
    url = reverse("referrals:create_from_visit", args=[visit.pk])
    assert url in page
    response = client.post(url, form(to=org_b.pk))
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert referral.source_visit == visit and referral.urgency == "urgent"


def test_without_consent_the_form_comes_back_with_the_error(person_a, org_b, member_a, client_for):
    response = client_for(member_a).post(
        reverse("referrals:create", args=[person_a.pk]), form(to=org_b.pk, consent_date="", consent_method="")
    )
    assert response.status_code == 200
    assert "转介前须取得本人同意" in response.content.decode()
    assert not Referral.objects.exists()


def test_the_receiver_sees_only_what_the_referral_carries_then_accepts(send, member_b, client_for):
    referral = send()
    client = client_for(member_b)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "王奶奶" in page and "138****1234" in page and "13857421234" not in page
    assert reverse("beneficiaries:detail", args=[referral.person_id]) not in page
    assert reverse("referrals:accept", args=[referral.pk]) in page
    response = client.post(reverse("referrals:accept", args=[referral.pk]), {})
    assert response.status_code == 302
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert reverse("beneficiaries:detail", args=[referral.person_id]) in page


@pytest.mark.parametrize("action", ["accept", "reject", "complete", "redirect"])
def test_a_refused_post_changes_nothing(send, member_a, action, client_for, org_c):
    referral = send()
    before = Referral.objects.filter(pk=referral.pk).values().get()
    response = client_for(member_a).post(
        reverse(f"referrals:{action}", args=[referral.pk]),
        {f"{action}-reject_reason": "x", f"{action}-outcome": "y", f"{action}-to_organization": org_c.pk},
    )
    assert response.status_code == 403
    assert Referral.objects.filter(pk=referral.pk).values().get() == before


def test_a_reject_without_reason_shows_the_error_in_place(send, member_b, client_for):
    referral = send()
    response = client_for(member_b).post(reverse("referrals:reject", args=[referral.pk]), {"reject-reject_reason": ""})
    assert response.status_code == 200
    assert "请填写拒绝原因" in response.content.decode()
    assert Referral.objects.get().status == "pending"


def test_the_list_has_incoming_and_outgoing_tabs(send, member_a, member_b, client_for):
    send()
    incoming_b = client_for(member_b).get(reverse("referrals:list")).content.decode()
    assert "王奶奶" in incoming_b
    assert "王奶奶" not in client_for(member_a).get(reverse("referrals:list")).content.decode()
    assert "王奶奶" in client_for(member_a).get(reverse("referrals:list"), {"box": "outgoing"}).content.decode()
    assert "王奶奶" not in client_for(member_b).get(reverse("referrals:list"), {"status": "accepted"}).content.decode()


def test_the_sender_reads_the_outcome(send, member_a, member_b, client_for):
    referral = services.referral_step(referral=send(), action="accept", actor=member_b)
    services.referral_step(referral=referral, action="complete", actor=member_b, outcome="已达成赡养协议")
    page = client_for(member_a).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "已达成赡养协议" in page and "已办结" in page


def test_leaders_see_no_referral_page(send, leader, client_for):
    referral = send()
    assert client_for(leader).get(reverse("referrals:detail", args=[referral.pk])).status_code == 403
    assert client_for(leader).get(reverse("referrals:list")).status_code == 403
