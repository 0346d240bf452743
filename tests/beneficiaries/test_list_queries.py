"""A page of 100 rows costs the same number of queries as a page of 10."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaries.models import BeneficiaryCategory, VisitService
from tests.factories import BeneficiaryFactory, VisitFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url, method="get", data=None):
    # Measured in the steady state: the filter's organization options are cached by the first
    # request (organizations.options), which is not what this test compares.
    getattr(client, method)(url, data or {})
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def make_people(org, n):
    categories = list(BeneficiaryCategory.objects.all()[:2])
    services = list(VisitService.objects.all()[:2])
    for _ in range(n):
        person = BeneficiaryFactory(
            organization=org, key_care=True, visit_cadence=2, key_care_since=datetime.date(2025, 1, 1)
        )
        person.categories.set(categories)
        visit = VisitFactory(beneficiary=person, visit_date=datetime.date(2025, 6, 1))
        visit.services.set(services)


@pytest.mark.parametrize(
    "url_name,method,rows",
    [
        ("beneficiaries:list", "get", "table.list"),
        ("beneficiaries:list", "search", "table.list"),
        ("beneficiaries:visit_list", "get", "table.list"),
        ("beneficiaries:overdue", "get", "table.list"),
    ],
)
@pytest.mark.parametrize("role", ["staff", "member_a"])
def test_list_queries_do_not_grow_with_rows(url_name, method, rows, role, roles, client_for, org_a):
    client = client_for(roles[role])
    url = reverse(url_name) + "?per_page=100"
    data = None
    if method == "search":  # the search text is posted once, then kept in the session
        client.post(reverse(url_name), {"q": "王"})
        url, method = url + "&search=1", "get"
    make_people(org_a, 10)
    ten, html = queries_for(client, url, method, data)
    assert html.count("<tr>") >= 11
    make_people(org_a, 90)
    hundred, html = queries_for(client, url, method, data)
    assert html.count("<tr>") >= 101
    assert hundred == ten


def test_beneficiary_page_queries_do_not_grow_with_visits(client_for, member_a, org_a):
    person = BeneficiaryFactory(organization=org_a)
    services = list(VisitService.objects.all()[:2])
    url = reverse("beneficiaries:detail", args=[person.pk])
    for day in range(1, 11):
        VisitFactory(beneficiary=person, visit_date=datetime.date(2025, 1, day)).services.set(services)
    ten, _ = queries_for(client_for(member_a), url)
    for day in range(1, 28):
        for month in (2, 3, 4):
            VisitFactory(beneficiary=person, visit_date=datetime.date(2025, month, day)).services.set(services)
    many, _ = queries_for(client_for(member_a), url)
    assert many == ten
