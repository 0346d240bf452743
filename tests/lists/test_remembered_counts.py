"""The visit list's count ("共 N 条") is remembered until the counted data changes
(``keyset_paginate(remember_count=...)``, ``core.generation``): right after any write, per
user scope, filter and search.  Outside a transaction, as requests run (inside one nothing is
remembered)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaries.lists import VISIT_SEARCH_KEY
from beneficiaries.models import Visit
from tests.factories import BeneficiaryFactory, VisitFactory

LIST = reverse("beneficiaries:visit_list") + "?per_page=10"


def shown_count(client, url=LIST):
    """(the count the page shows, how many count queries it ran)."""
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    counts = [q for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*) FROM (SELECT")]
    found = re.search(r"共 (\d+) 条", html)
    assert found, html
    return int(found.group(1)), len(counts)


def visits(person, n, start=1):
    for day in range(start, start + n):
        VisitFactory(beneficiary=person, visit_date=datetime.date(2026, 3, day))


@pytest.fixture
def people(org_a, org_b):
    a = BeneficiaryFactory(name="王秀英", organization=org_a)
    b = BeneficiaryFactory(name="陈美华", organization=org_b)
    visits(a, 12)
    visits(b, 5)
    return a, b


def test_the_count_is_remembered_and_follows_every_write(transactional_db, client_for, staff, people):
    client = client_for(staff)
    assert shown_count(client) == (17, 1)
    assert shown_count(client) == (17, 0)  # remembered: no count query
    visits(people[0], 1, start=20)
    assert shown_count(client) == (18, 1)
    Visit.objects.filter(beneficiary=people[1]).update(withdrawn_at=datetime.datetime(2026, 3, 30, tzinfo=datetime.UTC))
    assert shown_count(client) == (13, 1)  # an update() without signals changes it too


def test_each_scope_filter_and_search_counts_its_own(
    transactional_db, client_for, staff, member_a, member_b, people, org_b
):
    assert shown_count(client_for(staff))[0] == 17
    assert shown_count(client_for(member_a))[0] == 12
    assert shown_count(client_for(member_b))[0] == 5
    assert shown_count(client_for(staff), LIST + f"&organization={org_b.pk}")[0] == 5
    client = client_for(staff)
    session = client.session
    session[VISIT_SEARCH_KEY] = "陈美华"
    session.save()
    assert shown_count(client, LIST + "&search=1")[0] == 5
    session[VISIT_SEARCH_KEY] = "王秀英"
    session.save()
    assert shown_count(client, LIST + "&search=1")[0] == 12


def test_visits_i_recorded_are_counted_for_each_user(transactional_db, client_for, member_a, org_a):
    """Two volunteers of one organization share a scope; "我登记的" (mine=true) is each one's own."""
    from tests.factories import MembershipFactory, UserFactory

    other = UserFactory(email="other-a@example.cn", role="member")
    MembershipFactory(user=other, organization=org_a, role="member")
    person = BeneficiaryFactory(organization=org_a)
    for day in range(1, 4):
        VisitFactory(beneficiary=person, visit_date=datetime.date(2026, 3, day), created_by=member_a)
    VisitFactory(beneficiary=person, visit_date=datetime.date(2026, 3, 9), created_by=other)
    mine = LIST + "&mine=true"
    assert shown_count(client_for(member_a), mine)[0] == 3
    assert shown_count(client_for(other), mine)[0] == 1
