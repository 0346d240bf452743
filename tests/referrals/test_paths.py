"""From a case (closing as 转介 refers a party; the receiver opens a case from the referral,
linked both ways) and from a duplicate (a referral request instead of a second record)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from beneficiaries.models import Beneficiary
from cases import services as case_services
from cases.models import MediationCase
from referrals import services
from referrals.models import Referral

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def case_a(org_a, member_a, person_a):
    case = case_services.case_create(
        organization=org_a,
        actor=member_a,
        category="elder_support",
        received_date=TODAY - datetime.timedelta(days=10),
        applicant_name="王奶奶",
    )
    case.parties.update(beneficiary=person_a)
    return case


def close_and_refer(**changes):
    return {
        "person": changes.pop("person"),
        "to_organization": changes.pop("to"),
        "reason": "legal_aid",
        "urgency": "normal",
        "note": "需要起诉追索赡养费。",
        "consent_date": TODAY.isoformat(),
        "consent_method": "written",
        "closed_date": TODAY.isoformat(),
        "outcome": "调解不成，转介律师团。",
        **changes,
    }


def test_closing_a_case_as_referred_sends_the_referral(case_a, person_a, org_b, member_a, client_for):
    client = client_for(member_a)
    url = reverse("referrals:from_case", args=[case_a.pk])
    assert url in client.get(reverse("cases:detail", args=[case_a.pk])).content.decode()
    response = client.post(url, close_and_refer(person=person_a.pk, to=org_b.pk))
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    case_a.refresh_from_db()
    assert case_a.status == "referred" and case_a.closed_date == TODAY
    assert referral.source_case == case_a and referral.to_organization == org_b and referral.status == "pending"
    page = client.get(reverse("cases:detail", args=[case_a.pk])).content.decode()
    assert reverse("referrals:detail", args=[referral.pk]) in page


def test_a_refused_close_and_refer_writes_neither(case_a, person_a, org_b, member_a, member_b, client_for):
    # No consent: the case stays open too (one transaction).
    response = client_for(member_a).post(
        reverse("referrals:from_case", args=[case_a.pk]),
        close_and_refer(person=person_a.pk, to=org_b.pk, consent_date=""),
    )
    assert response.status_code == 200 and "转介前须取得本人同意" in response.content.decode()
    assert MediationCase.objects.get(pk=case_a.pk).status == "received" and not Referral.objects.exists()
    # Another organization: 404, nothing written.
    response = client_for(member_b).post(
        reverse("referrals:from_case", args=[case_a.pk]), close_and_refer(person=person_a.pk, to=org_b.pk)
    )
    assert response.status_code == 404
    assert MediationCase.objects.get(pk=case_a.pk).status == "received" and not Referral.objects.exists()


def test_the_receiver_opens_a_case_from_an_accepted_referral(send, admin_b, member_a, org_b, client_for):
    referral = services.referral_step(referral=send(), action="accept", actor=admin_b)
    client = client_for(admin_b)
    response = client.post(
        reverse("referrals:open_case", args=[referral.pk]),
        {"case-category": "elder_support", "case-received_date": TODAY.isoformat()},
    )
    referral.refresh_from_db()
    case = referral.resulting_case
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.organization == org_b and case.source == "federation_referral"
    assert case.parties.get().name == "王奶奶"
    case_page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("referrals:detail", args=[referral.pk]) in case_page
    detail = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert reverse("cases:detail", args=[case.pk]) in detail
    # The sender is told a case was opened but does not get B's case page.
    sender_page = client_for(member_a).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "接收组织已立案" in sender_page and case.number not in sender_page


def test_only_the_receiver_opens_a_case_and_only_once(send, member_b, member_a, client_for):
    referral = services.referral_step(referral=send(), action="accept", actor=member_b)
    data = {"case-category": "elder_support", "case-received_date": TODAY.isoformat()}
    assert client_for(member_a).post(reverse("referrals:open_case", args=[referral.pk]), data).status_code == 403
    assert not MediationCase.objects.exists()
    client_for(member_b).post(reverse("referrals:open_case", args=[referral.pk]), data)
    response = client_for(member_b).post(reverse("referrals:open_case", args=[referral.pk]), data)
    assert response.status_code == 200 and "该转介已立案" in response.content.decode()
    assert MediationCase.objects.count() == 1


# --- the duplicate path ----------------------------------------------------------------------


def new_person(person, org):
    return {
        "name": "王奶奶",
        "id_number": person.id_number,
        "town": person.town_id,
        "village": "西门村",
        "visit_cadence": "0",
        "organization": org.pk,
        "consent_date": TODAY.isoformat(),
        "consent_method": "verbal",
    }


def ask(client, person, org_b):
    page = client.post(reverse("beneficiaries:create"), new_person(person, org_b)).content.decode()
    assert reverse("referrals:request") in page and "申请转介" in page
    form = client.get(reverse("referrals:request")).content.decode()
    assert person.organization.name not in form and person.phone not in form
    return client.post(
        reverse("referrals:request"), {"organization": org_b.pk, "reason": "legal_aid", "note": "本人来访求助。"}
    )


def test_a_duplicate_becomes_a_referral_request(person_a, org_a, org_b, member_b, member_a, client_for):
    client = client_for(member_b)
    response = ask(client, person_a, org_b)
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert (referral.kind, referral.status, referral.from_organization, referral.to_organization) == (
        "request",
        "requested",
        org_a,
        org_b,
    )
    assert Beneficiary.objects.count() == 1  # no second record
    # The requester learns nothing more than the form said: not the record, not who holds it.
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert person_a.phone[-4:] not in page and org_a.name not in page and "王奶奶" not in page
    listed = client.get(reverse("referrals:list")).content.decode()
    assert org_a.name not in listed and "王奶奶" not in listed
    # The registering organization decides, with the person's consent.
    with pytest.raises(ValidationError) as exc:  # not without the person's consent
        services.referral_step(referral=referral, action="approve", actor=member_a)
    assert {"consent_date", "consent_method"} <= set(exc.value.message_dict)
    services.referral_step(
        referral=referral, action="approve", actor=member_a, consent_date=TODAY, consent_method="verbal"
    )
    assert Beneficiary.objects.visible_to(member_b).filter(pk=person_a.pk).exists()
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "王奶奶" in page and org_a.name in page


def test_a_declined_request_gives_nothing(person_a, org_b, member_b, member_a, client_for):
    client = client_for(member_b)
    ask(client, person_a, org_b)
    referral = Referral.objects.get()
    services.referral_step(referral=referral, action="decline", actor=member_a, reject_reason="本人不同意")
    assert not Beneficiary.objects.visible_to(member_b).filter(pk=person_a.pk).exists()
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "本人不同意" in page and "王奶奶" not in page and person_a.organization.name not in page


def test_no_duplicate_in_the_session_nothing_to_ask(member_b, client_for):
    response = client_for(member_b).get(reverse("referrals:request"))
    assert response["Location"] == reverse("beneficiaries:create")
