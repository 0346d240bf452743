"""The visit list as a volunteer uses it: people told apart, found by name or initials,
sorted by a header, paged by cursor, exported as shown."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from beneficiaries.models import Visit
from tests.factories import BeneficiaryFactory, VisitFactory, make_id_number

pytestmark = pytest.mark.django_db


def rows(response):
    """The list's body rows as text, cells joined by " | "."""
    body = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    out = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        out.append(" | ".join(cells))
    return out


@pytest.fixture
def four_namesakes(org_a):
    """Four 王秀英 in 东门村, told apart only by their ID numbers."""
    people = []
    for n, tail_birth in enumerate([datetime.date(1950, 1, 1), datetime.date(1951, 2, 2), datetime.date(1952, 3, 3)]):
        people.append(
            BeneficiaryFactory(
                name="王秀英", organization=org_a, village="东门村", id_number=make_id_number(tail_birth, n=n)
            )
        )
    people.append(
        BeneficiaryFactory(name="王秀英", organization=org_a, village="西门村", id_number=make_id_number(n=7))
    )
    for day, person in enumerate(people, start=1):
        VisitFactory(beneficiary=person, visit_date=datetime.date(2026, 3, day))
    return people


def test_namesakes_are_told_apart_by_masked_id_tail_and_village(member_a, client_for, four_namesakes):
    response = client_for(member_a).get(reverse("beneficiaries:visit_list"))
    html = response.content.decode()
    shown = [row.split(" | ")[1] for row in rows(response)]
    expected = [f"王秀英 · ****{p.id_number[-4:]} · {p.village}" for p in reversed(four_namesakes)]
    assert shown == expected
    assert len(set(shown)) == 4
    for person in four_namesakes:
        assert person.id_number not in html  # never the whole number
        assert person.id_number[:14] not in html


def test_a_person_moved_to_another_organization_keeps_the_visit_without_the_id_tail(org_a, org_b, member_a, client_for):
    person = BeneficiaryFactory(name="李桂英", organization=org_a, village="南门村")
    VisitFactory(beneficiary=person, organization=org_a)
    person.organization = org_b
    person.save()
    shown = rows(client_for(member_a).get(reverse("beneficiaries:visit_list")))
    assert shown[0].split(" | ")[1] == "李桂英 · 南门村"
    assert person.id_number[-4:] not in client_for(member_a).get(reverse("beneficiaries:visit_list")).content.decode()


def search(client, text):
    """Posts the search box; returns (redirected URL, the page it shows)."""
    url = reverse("beneficiaries:visit_list")
    posted = client.post(url, {"q": text})
    assert posted.status_code == 302
    return posted["Location"], client.get(posted["Location"])


@pytest.mark.parametrize("text", ["王秀英", "秀英", "wxy", "WXY"])
def test_visits_are_found_by_name_and_pinyin_initials_and_the_text_stays_out_of_the_url(
    text, org_a, member_a, client_for
):
    wang = BeneficiaryFactory(name="王秀英", organization=org_a)
    li = BeneficiaryFactory(name="李美华", organization=org_a)
    VisitFactory(beneficiary=wang)
    VisitFactory(beneficiary=li)
    location, page = search(client_for(member_a), text)
    assert text not in location and "search=1" in location
    shown = rows(page)
    assert len(shown) == 1 and shown[0].split(" | ")[1].startswith("王秀英")


def test_visit_search_by_id_tail_only_among_people_one_may_see(org_a, org_b, member_a, member_b, client_for):
    person = BeneficiaryFactory(name="张凤英", organization=org_a)
    VisitFactory(beneficiary=person)
    _location, page = search(client_for(member_a), person.id_number[-4:])
    assert len(rows(page)) == 1
    _location, page = search(client_for(member_b), person.id_number[-4:])
    assert "张凤英" not in page.content.decode()


def test_searched_visits_page_by_cursor_in_order_both_ways(org_a, member_a, client_for):
    """A searched list reads its page's ids first, then their rows (``ids_first``): the same
    rows in the same order, page after page, and back."""
    wang = BeneficiaryFactory(name="王秀英", organization=org_a)
    other = BeneficiaryFactory(name="李美华", organization=org_a)
    for day in (3, 9, 9, 14, 20, 21, 28):
        VisitFactory(beneficiary=wang, visit_date=datetime.date(2026, 3, day))
        VisitFactory(beneficiary=other, visit_date=datetime.date(2026, 3, day))
    client = client_for(member_a)
    location, page = search(client, "wxy")
    expected = [f"2026-03-{day:02d}" for day in sorted((3, 9, 9, 14, 20, 21, 28), reverse=True)]
    seen, pages = [], []
    url = location + "&per_page=3"
    while url:
        response = client.get(url)
        html = response.content.decode()
        shown = rows(response)
        assert all(row.split(" | ")[1].startswith("王秀英") for row in shown)
        seen += [row.split(" | ")[0] for row in shown]
        pages.append(html)
        found = re.search(r'<a href="([^"]+)" rel="next"', html)
        url = reverse("beneficiaries:visit_list") + found.group(1).replace("&amp;", "&") if found else None
    assert seen == expected and len(pages) == 3
    back = re.search(r'<a href="([^"]+)" rel="prev"', pages[-1]).group(1).replace("&amp;", "&")
    shown = rows(client.get(reverse("beneficiaries:visit_list") + back))
    assert [row.split(" | ")[0] for row in shown] == expected[3:6]


def test_clearing_the_search_shows_every_visit_again(org_a, member_a, client_for):
    VisitFactory(beneficiary=BeneficiaryFactory(name="王秀英", organization=org_a))
    VisitFactory(beneficiary=BeneficiaryFactory(name="李美华", organization=org_a))
    client = client_for(member_a)
    search(client, "wxy")
    location, page = search(client, "")
    assert "search" not in location and len(rows(page)) == 2


@pytest.fixture
def spread(org_a):
    """Visits on few dates with equal values, so that ties need the tiebreaker."""
    person = BeneficiaryFactory(organization=org_a)
    visits = []
    for n in range(13):
        visits.append(
            VisitFactory(
                beneficiary=person,
                visit_date=datetime.date(2026, 3, 1 + n % 4),
                supplies_value=Decimal(n % 3 * 50),
            )
        )
    return visits


@pytest.mark.parametrize(
    "sort,key",
    [
        ("", lambda v: (-v.visit_date.toordinal(), -v.pk)),
        ("-date", lambda v: (-v.visit_date.toordinal(), -v.pk)),
        ("date", lambda v: (v.visit_date, v.pk)),
        ("value", lambda v: (v.supplies_value, v.pk)),
        ("-value", lambda v: (-v.supplies_value, -v.pk)),
    ],
)
def test_each_sort_both_ways_is_stable_and_pages_follow_it(sort, key, staff, client_for, spread):
    client = client_for(staff)
    url = reverse("beneficiaries:visit_list")
    expected = [v.pk for v in sorted(spread, key=key)]
    seen = []
    page = client.get(url, {"sort": sort, "per_page": 4}).context["page"]
    while True:
        seen += [row["id"] for row in page]
        if not page.next_link:
            break
        page = client.get(url + page.next_link).context["page"]
    assert seen == expected
    # and back: each "previous" page is the one before
    backwards = []
    while page.previous_link:
        page = client.get(url + page.previous_link).context["page"]
        backwards = [row["id"] for row in page] + backwards
    assert backwards == expected[: len(backwards)] and backwards[:4] == expected[:4]


def test_the_default_order_is_unchanged(staff, client_for, spread):
    listed = [row["id"] for row in client_for(staff).get(reverse("beneficiaries:visit_list")).context["page"]]
    assert listed == list(Visit.objects.order_by("-visit_date", "-id").values_list("pk", flat=True))


def test_a_header_sorts_the_other_way_when_clicked_again(staff, client_for, spread):
    html = client_for(staff).get(reverse("beneficiaries:visit_list"), {"sort": "value"}).content.decode()
    header = re.search(r'<th class="num" aria-sort="ascending" scope="col"><a class="sort sorted" href="([^"]+)"', html)
    assert header and "sort=-value" in header.group(1)
    assert 'href="?"' in html or 'href="?sort=date"' in html  # the date header


def test_an_unknown_sort_gives_the_default_order(staff, client_for, spread):
    response = client_for(staff).get(reverse("beneficiaries:visit_list"), {"sort": "beneficiary__id_number"})
    assert response.status_code == 200
    assert [row["id"] for row in response.context["page"]][:3] == list(
        Visit.objects.order_by("-visit_date", "-id").values_list("pk", flat=True)[:3]
    )
