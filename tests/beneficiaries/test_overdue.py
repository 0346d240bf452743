"""The key-care overdue rule: due every floor(30 / cadence) days after the last contact."""

import datetime

import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary
from tests.factories import BeneficiaryFactory, VisitFactory, town

pytestmark = pytest.mark.django_db
D = datetime.date
DEC_1 = D(2025, 12, 1)


def key_care(org, cadence, since=DEC_1, **kw):
    return BeneficiaryFactory(organization=org, key_care=True, visit_cadence=cadence, key_care_since=since, **kw)


def overdue_on(day):
    return {b.pk: b.days_overdue for b in Beneficiary.objects.key_care().overdue(day)}


def test_twice_a_month_is_due_after_15_days_across_the_month_end(org_a):
    person = key_care(org_a, 2)
    VisitFactory(beneficiary=person, visit_date=D(2026, 1, 31))
    assert person.pk not in overdue_on(D(2026, 2, 15))
    assert overdue_on(D(2026, 2, 16)) == {person.pk: 1}


def test_once_a_month_is_due_after_30_days_across_february(org_a):
    person = key_care(org_a, 1)
    VisitFactory(beneficiary=person, visit_date=D(2026, 1, 31))
    assert person.pk not in overdue_on(D(2026, 3, 2))  # 30 days after 31 January 2026
    assert overdue_on(D(2026, 3, 3)) == {person.pk: 1}


def test_three_times_a_month_is_due_every_10_days(org_a):
    person = key_care(org_a, 3)
    VisitFactory(beneficiary=person, visit_date=D(2026, 2, 20))
    assert person.pk not in overdue_on(D(2026, 3, 2))
    assert overdue_on(D(2026, 3, 3)) == {person.pk: 1}


def test_the_latest_visit_counts_and_later_visits_are_ignored(org_a):
    person = key_care(org_a, 2)
    VisitFactory(beneficiary=person, visit_date=D(2026, 1, 1))
    VisitFactory(beneficiary=person, visit_date=D(2026, 1, 20))
    VisitFactory(beneficiary=person, visit_date=D(2026, 3, 1))
    row = Beneficiary.objects.overdue(D(2026, 2, 10)).get()
    assert row.last_contact == D(2026, 1, 20) and row.days_overdue == 6


def test_without_visits_the_key_care_date_counts_then_the_created_date(org_a):
    since = key_care(org_a, 2, since=D(2026, 1, 1))
    created = key_care(org_a, 2, since=None)
    Beneficiary.objects.filter(pk=created.pk).update(
        created_at=datetime.datetime(2026, 1, 10, 9, 0, tzinfo=datetime.UTC)
    )
    assert overdue_on(D(2026, 1, 20)) == {since.pk: 4}
    assert overdue_on(D(2026, 1, 26)) == {since.pk: 10, created.pk: 1}


def test_only_active_key_care_people_are_overdue(org_a):
    key_care(org_a, 2, since=D(2025, 1, 1), active=False)
    BeneficiaryFactory(organization=org_a)
    assert overdue_on(D(2026, 3, 1)) == {}


def test_ordered_by_days_overdue_with_counts_by_town(org_a):
    first = key_care(org_a, 1, since=D(2025, 11, 1), town=town("溪口镇"))
    second = key_care(org_a, 2, since=D(2026, 1, 1))
    third = key_care(org_a, 2, since=DEC_1)
    rows = Beneficiary.objects.key_care().overdue(D(2026, 2, 1))
    assert [b.pk for b in rows] == [first.pk, third.pk, second.pk]
    assert [(row["town"], row["count"]) for row in rows.counts_by_town()] == [("锦屏街道", 2), ("溪口镇", 1)]
    assert [row["town_id"] for row in rows.counts_by_town()] == [town("锦屏街道").pk, town("溪口镇").pk]
    assert rows.count() == 3


def test_overdue_page_lists_own_organization_with_town_counts(client_for, member_a, member_b, org_a, org_b):
    mine = key_care(org_a, 2, since=D(2025, 1, 1), name="竺月娥")
    key_care(org_b, 2, since=D(2025, 1, 1), name="邬彩霞")
    html = client_for(member_a).get(reverse("beneficiaries:overdue")).content.decode()
    assert "竺月娥" in html and "邬彩霞" not in html
    assert "锦屏街道" in html and reverse("beneficiaries:detail", args=[mine.pk]) in html
    assert "邬彩霞" in client_for(member_b).get(reverse("beneficiaries:overdue")).content.decode()


def test_the_persons_page_says_how_many_days_overdue(client_for, member_a, org_a):
    from django.utils import timezone

    today = timezone.localdate()
    person = key_care(org_a, 2, since=today - datetime.timedelta(days=20))
    html = client_for(member_a).get(reverse("beneficiaries:detail", args=[person.pk])).content.decode()
    assert "重点关爱走访已逾期 5 天" in html
    VisitFactory(beneficiary=person, visit_date=today)
    html = client_for(member_a).get(reverse("beneficiaries:detail", args=[person.pk])).content.decode()
    assert "已逾期" not in html
