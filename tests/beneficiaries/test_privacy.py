"""Masking per role, the logged reveal, the edit history, and search that keeps data out of URLs."""

import pytest
from django.urls import reverse

from beneficiaries.services import name_initials
from organizations.models import DataAccessEvent
from organizations.privacy import mask_id_number, mask_phone
from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(org_a):
    return BeneficiaryFactory(organization=org_a, name="蒋雅琴", phone="13857421234", address="锦屏街道东门村88号")


@pytest.mark.parametrize("role", ["staff", "admin_a", "member_a"])
def test_detail_shows_personal_fields_masked(role, roles, client_for, person):
    html = client_for(roles[role]).get(reverse("beneficiaries:detail", args=[person.pk])).content.decode()
    assert "蒋雅琴" in html
    assert mask_id_number(person.id_number) in html and mask_phone(person.phone) in html
    assert person.id_number not in html and person.phone not in html and person.address not in html


@pytest.mark.parametrize("role", ["staff", "member_a"])
def test_list_shows_personal_fields_masked(role, roles, client_for, person):
    html = client_for(roles[role]).get(reverse("beneficiaries:list")).content.decode()
    assert "蒋雅琴" in html and mask_phone(person.phone) in html
    assert person.id_number not in html and person.phone not in html


def test_reveal_returns_one_field_and_records_the_access(client_for, member_a, person):
    url = reverse("beneficiaries:reveal", args=[person.pk, "id_number"])
    response = client_for(member_a).post(url, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert person.id_number in html and person.phone not in html
    access = DataAccessEvent.objects.get()
    assert (access.user, access.action, access.field) == (member_a, "reveal", "id_number")
    subject = access.subjects.get()
    assert (subject.record_type, subject.record_id, subject.organization_id) == (
        "beneficiary",
        person.pk,
        person.organization_id,
    )


def test_reveal_is_post_only_and_refused_to_others(client_for, leader, member_b, member_a, person):
    url = reverse("beneficiaries:reveal", args=[person.pk, "phone"])
    assert client_for(member_a).get(url).status_code == 405
    assert client_for(leader).post(url).status_code == 403
    assert client_for(member_b).post(url).status_code == 404
    assert client_for(member_a).post(reverse("beneficiaries:reveal", args=[person.pk, "name"])).status_code == 404
    assert not DataAccessEvent.objects.exists()


def test_leaders_see_no_beneficiary_pages(client_for, leader, person):
    client = client_for(leader)
    for url in [
        reverse("beneficiaries:list"),
        reverse("beneficiaries:detail", args=[person.pk]),
        reverse("beneficiaries:overdue"),
        reverse("beneficiaries:visit_list"),
        reverse("beneficiaries:visit_create"),
    ]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "蒋雅琴" not in response.content.decode()


def test_another_organizations_member_gets_404(client_for, member_b, person):
    client = client_for(member_b)
    assert client.get(reverse("beneficiaries:detail", args=[person.pk])).status_code == 404
    assert client.get(reverse("beneficiaries:edit", args=[person.pk])).status_code == 404
    assert "蒋雅琴" not in client.get(reverse("beneficiaries:list")).content.decode()


def test_staff_see_who_changed_what_without_the_values(client_for, staff, admin_a, person):
    client_for(admin_a).post(
        reverse("beneficiaries:edit", args=[person.pk]),
        {
            "name": "蒋雅琴",
            "id_number": "",
            "phone": "13900001111",
            "address": "",
            "town": person.town_id,
            "village": "南门村",
            "organization": person.organization_id,
            "consent_date": "2026-01-05",
            "consent_method": "written",
            "visit_cadence": "0",
            "version": person.version,
        },
    )
    client = client_for(staff)
    html = client.get(reverse("beneficiaries:history", args=[person.pk])).content.decode()
    assert "组织A管理员" in html
    assert "东门村 → 南门村" in html
    assert "联系电话" in html and "13900001111" not in html and person.phone not in html
    assert client_for(admin_a).get(reverse("beneficiaries:history", args=[person.pk])).status_code == 403


def test_search_by_initials_id_tail_and_phone_is_posted(client_for, member_a, org_a):
    person = BeneficiaryFactory(
        organization=org_a, name="毛素娥", name_initials=name_initials("毛素娥"), phone="13857429876"
    )
    other = BeneficiaryFactory(organization=org_a, name="孙彩霞", name_initials=name_initials("孙彩霞"))
    client = client_for(member_a)
    url = reverse("beneficiaries:list")
    for text in ["mse", "素娥", person.id_number[-4:], "9876"]:
        response = client.post(url, {"q": text}, follow=True)
        html = response.content.decode()
        assert "毛素娥" in html and "孙彩霞" not in html, text
        # The search text is in the session, never in the URL (page links carry "search=1").
        assert response.redirect_chain == [(f"{url}?search=1", 302)]
        assert text not in response.request["QUERY_STRING"]
    # The search survives paging and filtering, and can be cleared.
    assert "孙彩霞" not in client.get(f"{url}?search=1&page=1").content.decode()
    client.post(url, {"q": ""})
    assert 'method="post" class="searchbar"' in client.get(url).content.decode()
    assert other.name in client.get(url).content.decode()
