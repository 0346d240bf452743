"""Any page number, however large, small, negative or malformed, answers a page or 404, never
500, on every list; past 1,000 rows (the capped count) as well."""

import datetime

import pytest
from django.urls import reverse

from beneficiaries.models import Visit
from tests.access_matrix import all_rules, build_world
from tests.access_matrix.walker import list_urls
from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

NUMBERS = ["9223372036854775807", "9223372036854775808", "99999999999999999999999", "-1", "0", "abc", "1e3", "", " 2 "]


@pytest.fixture
def many_visits(org_a, staff):
    """1,001 visits: the list's count is capped, so the last page is not known."""
    person = BeneficiaryFactory(organization=org_a)
    start = datetime.date(2023, 1, 1)
    Visit.objects.bulk_create(
        [
            Visit(
                beneficiary=person, organization=org_a, visit_date=start + datetime.timedelta(days=n), created_by=staff
            )
            for n in range(1001)
        ]
    )


@pytest.mark.parametrize("number", NUMBERS)
def test_page_numbers_on_a_list_past_the_capped_count(number, staff, client_for, many_visits):
    response = client_for(staff).get(reverse("beneficiaries:visit_list"), {"page": number})
    assert response.status_code in (200, 404), number
    if response.status_code == 200:
        assert "1000+" in response.content.decode()


def test_pages_of_a_capped_list(staff, client_for, many_visits):
    client = client_for(staff)
    url = reverse("beneficiaries:visit_list")
    first = client.get(url, {"page": "-5"})
    assert first.status_code == 200 and first.context["page"].number == 1
    last = client.get(url, {"page": "21", "per_page": "50"})  # rows 1,001: the 21st page of 50 has one
    assert last.status_code == 200 and len(last.context["page"]) == 1 and not last.context["page"].has_next()
    assert client.get(url, {"page": "22", "per_page": "50"}).status_code == 404
    assert client.get(url, {"page": "9223372036854775807"}).status_code == 404


def test_a_counted_list_goes_to_its_last_page(staff, client_for, org_a):
    BeneficiaryFactory(organization=org_a)
    response = client_for(staff).get(reverse("beneficiaries:list"), {"page": "9223372036854775807"})
    assert response.status_code == 200 and response.context["page"].number == 1


@pytest.mark.parametrize("number", ["9223372036854775807", "-9223372036854775809", "x", "0"])
def test_every_list_answers_any_page_number(number, org_a, org_b, roles, client_for):
    world = build_world(org_a, org_b, roles)
    client = client_for(roles["staff"])
    for url in list_urls(all_rules(), world, "staff"):
        response = client.get(url, {"page": number, "per_page": number})
        assert response.status_code in (200, 302, 404), url  # 302: allauth's closed sign-up
