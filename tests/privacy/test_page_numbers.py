"""Any page number or cursor, however large, small, negative or malformed, answers a page or
404, never 500, on every list; past 1,000 rows (the capped count) as well.  Long lists page by
cursor (``?after=<id>``, core.pagination): a page number alone no longer skips rows."""

import datetime

import pytest
from django.urls import reverse

from beneficiaries.models import Visit
from tests.access_matrix import all_rules, build_world
from tests.access_matrix.walker import list_urls
from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

NUMBERS = ["9223372036854775807", "9223372036854775808", "99999999999999999999999", "-1", "0", "abc", "1e3", "", " 2 "]
CURSORS = [*NUMBERS, "١٢", "1 OR 1=1", "%00", "1.5", "0x10", "+5", "5\n"]


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


@pytest.mark.parametrize("name", ["after", "before"])
@pytest.mark.parametrize("cursor", CURSORS)
def test_any_cursor_answers_a_page_or_404(name, cursor, staff, client_for, many_visits):
    response = client_for(staff).get(reverse("beneficiaries:visit_list"), {name: cursor, "page": cursor})
    assert response.status_code in (200, 404), cursor
    if response.status_code == 200:
        assert "1000+" in response.content.decode()


def test_pages_of_a_capped_list(staff, client_for, many_visits):
    client = client_for(staff)
    url = reverse("beneficiaries:visit_list")
    first = client.get(url, {"page": "-5"})
    assert first.status_code == 200 and first.context["page"].number == 1
    page = client.get(url, {"per_page": "50"}).context["page"]
    for number in range(2, 22):  # rows 1,001: the 21st page of 50 has one
        page = client.get(url + page.next_link).context["page"]
        assert page.number == number
    assert len(page) == 1 and not page.has_next() and page.next_link == ""
    # After the last row: an empty page that links back to the first, never an error.
    past = client.get(url, {"after": page.object_list[0]["id"], "per_page": "50"})
    assert past.status_code == 200 and len(past.context["page"]) == 0 and past.context["page"].first_link
    assert client.get(url, {"after": "9223372036854775807"}).status_code == 404


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
