"""Case parties' phones are masked on the case page for everyone; one field is revealed at a
time, and each reveal is recorded.  Leaders never see cases."""

import pytest
from django.urls import reverse

from organizations.models import DataAccessEvent
from organizations.privacy import mask_phone
from tests.factories import BeneficiaryFactory, CasePartyFactory, MediationCaseFactory

pytestmark = pytest.mark.django_db

PHONE = "13857426666"


@pytest.fixture
def party(org_a):
    case = MediationCaseFactory(organization=org_a)
    return CasePartyFactory(case=case, name="葛秋月", phone=PHONE)


@pytest.mark.parametrize("role", ["staff", "admin_a", "member_a"])
def test_the_case_page_masks_the_parties_phones_for_everyone(role, roles, client_for, party):
    html = client_for(roles[role]).get(reverse("cases:detail", args=[party.case_id])).content.decode()
    assert "葛秋月" in html and mask_phone(PHONE) in html
    assert PHONE not in html
    assert reverse("cases:party_reveal", args=[party.case_id, party.pk, "phone"]) in html


def test_a_reveal_shows_one_phone_and_is_recorded(member_a, staff, client_for, party):
    url = reverse("cases:party_reveal", args=[party.case_id, party.pk, "phone"])
    response = client_for(member_a).post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and PHONE in response.content.decode()
    event = DataAccessEvent.objects.get()
    assert (event.user, event.action, event.field, event.organization_id) == (
        member_a,
        "reveal",
        "phone",
        party.case.organization_id,
    )
    subject = event.subjects.get()
    assert (subject.record_type, subject.record_id) == ("case_party", party.pk)
    # Staff find it on the audit page, by the party's name.
    page = client_for(staff).get(reverse("organizations:audit"), {"person": "葛秋月"}).content.decode()
    assert "组织A志愿者" in page and "联系电话" in page and "葛秋月" in page


def test_a_reveal_without_htmx_is_a_page(member_a, client_for, party):
    response = client_for(member_a).post(reverse("cases:party_reveal", args=[party.case_id, party.pk, "phone"]))
    assert PHONE in response.content.decode() and "本次查看已记录" in response.content.decode()


def test_reveals_are_refused_to_others_and_nothing_is_recorded(leader, member_b, member_a, client_for, party):
    url = reverse("cases:party_reveal", args=[party.case_id, party.pk, "phone"])
    assert client_for(member_a).get(url).status_code == 405
    for user in (leader, member_b):
        response = client_for(user).post(url)
        assert response.status_code == 404 and PHONE not in response.content.decode()
    other_field = reverse("cases:party_reveal", args=[party.case_id, party.pk, "name"])
    assert client_for(member_a).post(other_field).status_code == 404
    # A party of another case cannot be reached through this case.
    other_case = MediationCaseFactory(organization=party.case.organization)
    assert (
        client_for(member_a).post(reverse("cases:party_reveal", args=[other_case.pk, party.pk, "phone"])).status_code
        == 404
    )
    assert not DataAccessEvent.objects.exists()


def test_a_linked_person_moved_away_is_no_longer_named(member_a, client_for, party, org_b):
    person = BeneficiaryFactory(organization=party.case.organization, name="葛秋月本人")
    party.beneficiary = person
    party.save()
    url = reverse("cases:detail", args=[party.case_id])
    assert "葛秋月本人" in client_for(member_a).get(url).content.decode()
    person.organization = org_b
    person.save()
    assert "葛秋月本人" not in client_for(member_a).get(url).content.decode()
