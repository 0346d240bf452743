"""No page message about a record the user may not see names its organization or shows its
data; a duplicate-ID attempt is recorded for staff to see."""

import datetime

import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary
from organizations.models import DataAccessEvent
from tests.factories import BeneficiaryFactory, make_id_number, town

pytestmark = pytest.mark.django_db


def form_for(organization, **changes):
    return {
        "name": "王小花",
        "id_number": make_id_number(birth=datetime.date(1962, 4, 1)),
        "town": town().pk,
        "village": "东门村",
        "organization": organization.pk,
        "consent_date": "2026-01-05",
        "consent_method": "written",
        "visit_cadence": "0",
        **changes,
    }


@pytest.fixture
def registered(org_a):
    return BeneficiaryFactory(organization=org_a, name="蒋雅琴", phone="13857421234", village="东门村")


def test_duplicate_id_from_another_organization_names_nothing_and_is_recorded(
    member_b, staff, client_for, org_a, org_b, registered
):
    response = client_for(member_b).post(
        reverse("beneficiaries:create"), form_for(org_b, id_number=registered.id_number)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "已在平台登记" in html and "一人一档" in html and "区妇联工作人员" in html
    for secret in (org_a.name, registered.name, registered.phone, registered.address):
        assert secret not in html
    assert reverse("beneficiaries:detail", args=[registered.pk]) not in html
    assert "其他组织登记" not in html
    assert Beneficiary.objects.count() == 1
    event = DataAccessEvent.objects.get()
    assert (event.user, event.action, event.organization) == (member_b, "duplicate", org_a)
    assert event.subjects.get().record_id == registered.pk
    # Staff see who tried, on the audit page and in the person's log.
    audit = client_for(staff).get(reverse("organizations:audit"), {"action": "duplicate"}).content.decode()
    assert "组织B志愿者" in audit and "重复登记尝试" in audit and "蒋雅琴" in audit
    log = client_for(staff).get(reverse("beneficiaries:history", args=[registered.pk])).content.decode()
    assert "重复登记尝试" in log and "组织B志愿者" in log


def test_duplicate_id_in_the_own_organization_links_the_record(member_a, client_for, org_a, registered):
    html = (
        client_for(member_a)
        .post(reverse("beneficiaries:create"), form_for(org_a, id_number=registered.id_number))
        .content.decode()
    )
    assert reverse("beneficiaries:detail", args=[registered.pk]) in html and "蒋雅琴" in html


def test_a_similar_person_of_another_organization_is_not_offered(member_b, client_for, org_b, registered):
    """Same name, birth date and village as A's person: B is not told that such a person exists."""
    data = form_for(org_b, name="蒋雅琴", id_number=make_id_number(birth=registered.birth_date))
    response = client_for(member_b).post(reverse("beneficiaries:create"), data)
    assert response.status_code == 302
    assert Beneficiary.objects.filter(name="蒋雅琴", organization=org_b).exists()


def test_a_similar_person_of_the_own_organization_is_still_offered(member_a, client_for, org_a, registered):
    data = form_for(org_a, name="蒋雅琴", id_number=make_id_number(birth=registered.birth_date))
    html = client_for(member_a).post(reverse("beneficiaries:create"), data).content.decode()
    assert "可能是同一人" in html and reverse("beneficiaries:detail", args=[registered.pk]) in html


def test_linking_a_case_party_to_another_organizations_person_says_nothing_of_it(
    member_b, client_for, org_b, registered
):
    from tests.factories import MediationCaseFactory

    case = MediationCaseFactory(organization=org_b)
    response = client_for(member_b).post(
        reverse("cases:party_add", args=[case.pk]),
        {"role": "applicant", "name": "某人", "beneficiary_id_number": registered.id_number},
        follow=True,
    )
    html = response.content.decode()
    assert "没有找到您可以查看的" in html
    assert "蒋雅琴" not in html and "源为爱" not in html
