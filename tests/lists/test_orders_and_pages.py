"""Every long list: its default order is the order it had before sorting existed; each sort, both
ways, pages by cursor to exactly what OFFSET pagination gave on the same rows."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary, Visit
from cases.models import MediationCase
from organizations.models import Organization
from projects.models import CharityProject
from tests.factories import (
    BeneficiaryFactory,
    CharityProjectFactory,
    MediationCaseFactory,
    OrganizationFactory,
    TrainingSessionFactory,
    VisitFactory,
)
from training.models import TrainingSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(org_a, org_b):
    """A small data set with ties on every sorted column."""
    for n in range(11):
        person = BeneficiaryFactory(
            organization=org_a if n % 3 else org_b,
            village="东门村" if n % 2 else "西门村",
            name="王秀英" if n % 4 == 0 else f"李{'美华玉兰'[n % 4]}",
        )
        VisitFactory(
            beneficiary=person, visit_date=datetime.date(2026, 3, 1 + n % 3), supplies_value=Decimal(n % 2 * 20)
        )
        MediationCaseFactory(organization=person.organization, received_date=datetime.date(2026, 2, 1 + n % 2))
        CharityProjectFactory(
            organization=person.organization,
            name=f"项目{n % 4}-{n}",
            start_date=datetime.date(2026, 1 + n % 2, 1),
            amount=Decimal(10000 * (n % 3)),
        )
        TrainingSessionFactory(
            organization=person.organization, date=datetime.date(2026, 3, 1 + n % 2), title=f"培训{n % 3}-{n % 5}"
        )


# (URL name, the order the list had before, {sort: the order it stands for}) per list.
LISTS = [
    (
        "beneficiaries:visit_list",
        lambda: Visit.objects.order_by("-visit_date", "-id"),
        {
            "date": ("visit_date", "id"),
            "-date": ("-visit_date", "-id"),
            "value": ("supplies_value", "id"),
            "-value": ("-supplies_value", "-id"),
        },
    ),
    (
        "beneficiaries:list",
        lambda: Beneficiary.objects.filter(active=True).order_by("town_id", "village", "name", "id"),
        {
            "register": ("town_id", "village", "name", "id"),
            "-register": ("-town_id", "-village", "-name", "-id"),
            "name": ("name", "id"),
            "-name": ("-name", "-id"),
        },
    ),
    (
        "cases:list",
        lambda: MediationCase.objects.order_by("-received_date", "-number"),
        {
            "received": ("received_date", "number"),
            "-received": ("-received_date", "-number"),
            "number": ("number",),
            "-number": ("-number",),
        },
    ),
    (
        "projects:list",
        lambda: CharityProject.objects.order_by("-start_date", "name", "id"),
        {
            "start": ("start_date", "-name", "-id"),
            "-start": ("-start_date", "name", "id"),
            "name": ("name", "id"),
            "-name": ("-name", "-id"),
            "amount": ("amount", "id"),
            "-amount": ("-amount", "-id"),
        },
    ),
    (
        "training:list",
        lambda: TrainingSession.objects.order_by("-date", "-id"),
        {
            "date": ("date", "id"),
            "-date": ("-date", "-id"),
            "title": ("title", "id"),
            "-title": ("-title", "-id"),
        },
    ),
]


def _ids(page):
    return [row["id"] if isinstance(row, dict) else row.pk for row in page]


def _walk(client, url, params):
    """Every page by following "next", then back by "previous": (ids forward, ids backward)."""
    page = client.get(url, params).context["page"]
    forward = _ids(page)
    while page.next_link:
        page = client.get(url + page.next_link).context["page"]
        forward += _ids(page)
    backward = _ids(page)
    while page.previous_link:
        page = client.get(url + page.previous_link).context["page"]
        backward = _ids(page) + backward
    return forward, backward


@pytest.mark.parametrize("name,before,sorts", LISTS, ids=[item[0] for item in LISTS])
def test_the_default_order_is_the_order_before_sorting(name, before, sorts, staff, client_for, data):
    page = client_for(staff).get(reverse(name), {"per_page": 200}).context["page"]
    assert _ids(page) == list(before().values_list("pk", flat=True))


@pytest.mark.parametrize("name,before,sorts", LISTS, ids=[item[0] for item in LISTS])
def test_cursor_pages_give_what_offset_pages_gave(name, before, sorts, staff, client_for, data):
    client = client_for(staff)
    model = before().model
    base = before().order_by()  # the same rows (filters of the default list kept)
    for sort, order in sorts.items():
        expected = list(base.order_by(*order).values_list("pk", flat=True))
        for per_page in (3, 4):
            offset_pages = [expected[i : i + per_page] for i in range(0, len(expected), per_page)]
            forward, backward = _walk(client, reverse(name), {"sort": sort, "per_page": per_page})
            assert forward == sum(offset_pages, []) == backward, (model.__name__, sort, per_page)


def test_a_deep_cursor_page_equals_the_offset_page(staff, client_for, data):
    """Page 3 of 3 visits per page, reached by its cursor, holds what OFFSET 6 LIMIT 3 held."""
    ordered = list(Visit.objects.order_by("-supplies_value", "-id").values_list("pk", flat=True))
    after = ordered[5]
    page = (
        client_for(staff)
        .get(reverse("beneficiaries:visit_list"), {"sort": "-value", "per_page": 3, "after": after, "page": 3})
        .context["page"]
    )
    assert _ids(page) == ordered[6:9] and page.number == 3


def test_a_cursor_naming_another_organizations_row_is_404(org_a, org_b, member_b, client_for):
    visit_a = VisitFactory(beneficiary=BeneficiaryFactory(organization=org_a))
    VisitFactory(beneficiary=BeneficiaryFactory(organization=org_b))
    client = client_for(member_b)
    assert client.get(reverse("beneficiaries:visit_list"), {"after": visit_a.pk}).status_code == 404
    assert client.get(reverse("beneficiaries:visit_list"), {"after": 99999999}).status_code == 404


def test_the_organization_list_sorts_and_keeps_its_default(staff, client_for):
    for n in range(5):
        OrganizationFactory(name=f"组织{4 - n}")
    client = client_for(staff)
    default = [row["id"] for row in client.get(reverse("organizations:list")).context["page"]]
    assert default == list(Organization.objects.order_by("town__order", "name").values_list("pk", flat=True))
    by_name = [row["id"] for row in client.get(reverse("organizations:list"), {"sort": "-name"}).context["page"]]
    assert by_name == list(Organization.objects.order_by("-name").values_list("pk", flat=True))
