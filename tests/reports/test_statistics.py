"""Every figure of the known dataset (tests/reports/conftest.py), March 2026."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.months import parse_month
from reports.statistics import FIGURE_KEYS, Scope, compute, trend
from tests.factories import BeneficiaryFactory, OrganizationFactory, VisitFactory, town

from .conftest import MARCH, ORG_A, ORG_B

ZERO = dict.fromkeys(FIGURE_KEYS, 0) | {
    "project_funds": Decimal("0.00"),
    "key_care_coverage": None,
    "mediation_success_rate": None,
}

EXPECTED_MONTH = {
    "organizations_active": 3,
    "projects_in_progress": 2,
    "project_funds": Decimal("62000.50"),
    "beneficiaries_served": 4,
    "visits": 7,
    "key_care_total": 3,
    "key_care_on_cadence": 1,
    "key_care_coverage": 0.3333,
    "training_sessions": 2,
    "training_person_times": 4,
    "trainees_distinct": 3,
    "certificates": 3,
    "cases_received": 2,
    "cases_closed": 2,
    "cases_resolved": 1,
    "cases_open": 2,
    "mediation_success_rate": 0.5,
}
EXPECTED_PREVIOUS = {
    "organizations_active": 3,
    "projects_in_progress": 2,
    "project_funds": Decimal("58000.00"),
    "beneficiaries_served": 2,
    "visits": 2,
    "key_care_total": 2,
    "key_care_on_cadence": 1,
    "key_care_coverage": 0.5,
    "training_sessions": 1,
    "training_person_times": 1,
    "trainees_distinct": 1,
    "certificates": 0,
    "cases_received": 3,
    "cases_closed": 1,
    "cases_resolved": 0,
    "cases_open": 3,
    "mediation_success_rate": 0.0,
}
EXPECTED_YTD = {
    "organizations_active": 3,
    "projects_in_progress": 3,
    "project_funds": Decimal("70000.50"),
    "beneficiaries_served": 5,
    "visits": 11,
    # beneficiary-months: January 1 of 1, February 1 of 2, March 1 of 3
    "key_care_total": 6,
    "key_care_on_cadence": 3,
    "key_care_coverage": 0.5,
    "training_sessions": 4,
    "training_person_times": 6,
    "trainees_distinct": 4,
    "certificates": 3,
    "cases_received": 6,
    "cases_closed": 3,
    "cases_resolved": 1,
    "cases_open": 2,
    "mediation_success_rate": 0.3333,
}
EXPECTED_TOWN_1 = {  # 锦屏街道: organization A and D; beneficiaries b1, b3, b5
    "organizations_active": 2,
    "projects_in_progress": 1,
    "project_funds": Decimal("50000.00"),
    "beneficiaries_served": 3,
    "visits": 6,
    "key_care_total": 1,
    "key_care_on_cadence": 1,
    "key_care_coverage": 1.0,
    "training_sessions": 1,
    "training_person_times": 2,
    "trainees_distinct": 2,
    "certificates": 2,
    "cases_received": 1,
    "cases_closed": 2,
    "cases_resolved": 1,
    "cases_open": 1,
    "mediation_success_rate": 0.5,
}
EXPECTED_TOWN_1_YTD = {
    "organizations_active": 2,
    "projects_in_progress": 1,
    "project_funds": Decimal("50000.00"),
    "beneficiaries_served": 3,
    "visits": 9,
    "key_care_total": 3,
    "key_care_on_cadence": 2,
    "key_care_coverage": 0.6667,
    "training_sessions": 2,
    "training_person_times": 3,
    "trainees_distinct": 2,
    "certificates": 2,
    "cases_received": 2,
    "cases_closed": 2,
    "cases_resolved": 1,
    "cases_open": 1,
    "mediation_success_rate": 0.5,
}
EXPECTED_TOWN_2 = {  # 岳林街道: organization B (and the one stopped on 20 March); b2, b4
    "organizations_active": 1,
    "projects_in_progress": 1,
    "project_funds": Decimal("12000.50"),
    "beneficiaries_served": 1,
    "visits": 1,
    "key_care_total": 2,
    "key_care_on_cadence": 0,
    "key_care_coverage": 0.0,
    "training_sessions": 1,
    "training_person_times": 2,
    "trainees_distinct": 2,
    "certificates": 1,
    "cases_received": 1,
    "cases_closed": 0,
    "cases_resolved": 0,
    "cases_open": 1,
    "mediation_success_rate": None,
}
EXPECTED_TOWN_2_YTD = {
    "organizations_active": 1,
    "projects_in_progress": 2,
    "project_funds": Decimal("20000.50"),
    "beneficiaries_served": 2,
    "visits": 2,
    "key_care_total": 3,
    "key_care_on_cadence": 1,
    "key_care_coverage": 0.3333,
    "training_sessions": 2,
    "training_person_times": 3,
    "trainees_distinct": 3,
    "certificates": 1,
    "cases_received": 4,
    "cases_closed": 1,
    "cases_resolved": 0,
    "cases_open": 1,
    "mediation_success_rate": 0.0,
}
EXPECTED_ORG_A = {  # visits made by A: b1 ×2, b3, b5 ×2; key care of A's beneficiaries: b1
    "organizations_active": 1,
    "projects_in_progress": 1,
    "project_funds": Decimal("50000.00"),
    "beneficiaries_served": 3,
    "visits": 5,
    "key_care_total": 1,
    "key_care_on_cadence": 1,
    "key_care_coverage": 1.0,
    "training_sessions": 1,
    "training_person_times": 2,
    "trainees_distinct": 2,
    "certificates": 2,
    "cases_received": 1,
    "cases_closed": 2,
    "cases_resolved": 1,
    "cases_open": 1,
    "mediation_success_rate": 0.5,
}
EXPECTED_ORG_B = {  # visits made by B: b3 (A's beneficiary) and b4
    "organizations_active": 1,
    "projects_in_progress": 1,
    "project_funds": Decimal("12000.50"),
    "beneficiaries_served": 2,
    "visits": 2,
    "key_care_total": 2,
    "key_care_on_cadence": 0,
    "key_care_coverage": 0.0,
    "training_sessions": 1,
    "training_person_times": 2,
    "trainees_distinct": 2,
    "certificates": 1,
    "cases_received": 1,
    "cases_closed": 0,
    "cases_resolved": 0,
    "cases_open": 1,
    "mediation_success_rate": None,
}

# The dataset has no referrals (tests/referrals/test_figures.py counts a hand-built month).
NO_REFERRALS = dict.fromkeys(FIGURE_KEYS[FIGURE_KEYS.index("referrals_made") :], 0) | {
    "referral_acceptance_days_median": None
}
ZERO.update(NO_REFERRALS)
for _expected in (
    EXPECTED_MONTH,
    EXPECTED_PREVIOUS,
    EXPECTED_YTD,
    EXPECTED_TOWN_1,
    EXPECTED_TOWN_1_YTD,
    EXPECTED_TOWN_2,
    EXPECTED_TOWN_2_YTD,
    EXPECTED_ORG_A,
    EXPECTED_ORG_B,
):
    _expected.update(NO_REFERRALS)


def figures(row):
    return {key: row[key] for key in FIGURE_KEYS}


@pytest.fixture
def stats(dataset):
    return compute(MARCH, Scope.district())


def test_district_month_ytd_and_previous_month(stats):
    assert stats["month"] == datetime.date(2026, 3, 1)
    assert stats["scope"] == {"kind": "district", "name": "奉化区"}
    assert stats["month_figures"] == EXPECTED_MONTH
    assert stats["previous_month_figures"] == EXPECTED_PREVIOUS
    assert stats["ytd_figures"] == EXPECTED_YTD


def test_by_town(stats):
    by_town = {row["town"]: row for row in stats["by_town"]}
    assert len(by_town) == 12  # every town, in their order
    assert stats["by_town"][0]["town"] == "锦屏街道"
    assert figures(by_town["锦屏街道"]) == EXPECTED_TOWN_1
    assert by_town["锦屏街道"]["ytd"] == EXPECTED_TOWN_1_YTD
    assert figures(by_town["岳林街道"]) == EXPECTED_TOWN_2
    assert by_town["岳林街道"]["ytd"] == EXPECTED_TOWN_2_YTD
    assert figures(by_town["溪口镇"]) == ZERO


def test_by_organization(stats):
    by_org = {row["organization"]: row for row in stats["by_organization"]}
    # The stopped organization had nothing this month; the new one is active.
    assert sorted(by_org) == sorted([ORG_A, ORG_B, "三月新成立的组织"])
    assert figures(by_org[ORG_A]) == EXPECTED_ORG_A
    assert figures(by_org[ORG_B]) == EXPECTED_ORG_B
    assert figures(by_org["三月新成立的组织"]) == ZERO | {"organizations_active": 1}
    assert [row["organization"] for row in stats["by_organization"]] == [ORG_A, ORG_B, "三月新成立的组织"]  # by visits


def test_town_scope_counts_beneficiaries_by_their_town(dataset):
    stats = compute(MARCH, Scope.for_town(dataset["t2"]))
    assert stats["scope"] == {"kind": "town", "name": "岳林街道"}
    assert stats["month_figures"] == EXPECTED_TOWN_2
    assert stats["ytd_figures"] == EXPECTED_TOWN_2_YTD
    assert [row["town"] for row in stats["by_town"]] == ["岳林街道"]


def test_organization_scope(dataset):
    stats = compute(datetime.date(2026, 3, 17), Scope.for_organization(dataset["a"]))
    assert stats["scope"] == {"kind": "organization", "name": ORG_A}
    assert stats["month_figures"] == EXPECTED_ORG_A
    assert [row["organization"] for row in stats["by_organization"]] == [ORG_A]


def test_january_compares_with_december_of_the_previous_year(dataset):
    stats = compute(datetime.date(2026, 1, 1), Scope.district())
    assert stats["previous_month_figures"]["visits"] == 1  # 30 December 2025
    assert stats["month_figures"]["visits"] == 2
    assert stats["ytd_figures"]["visits"] == 2
    assert stats["ytd_figures"]["key_care_total"] == 1


def test_trend_series(dataset):
    series = trend(MARCH, Scope.district())
    assert series["months"][-3:] == ["2026-01", "2026-02", "2026-03"]
    assert len(series["months"]) == 12
    assert series["visits"][-4:] == [1, 2, 2, 7]
    assert series["training_person_times"][-3:] == [1, 1, 4]
    assert series["cases_received"][-3:] == [1, 3, 2]
    assert series["cases_closed"][-3:] == [0, 1, 2]
    assert series["key_care_coverage"][-3:] == [1.0, 0.5, 0.3333]


def test_parse_month():
    assert parse_month("2021-07") == datetime.date(2021, 7, 1)
    for bad in ["2021-13", "202107", "July", ""]:
        with pytest.raises(ValueError, match="YYYY-MM"):
            parse_month(bad)


def _grow(n):
    for i in range(n):
        org = OrganizationFactory(town=town("溪口镇"))
        beneficiary = BeneficiaryFactory(organization=org, town=org.town, key_care=True, visit_cadence=1)
        VisitFactory(beneficiary=beneficiary, visit_date=datetime.date(2026, 3, 1 + i % 28))


@pytest.mark.django_db
def test_query_count_does_not_grow_with_data(dataset):
    def count():
        with CaptureQueriesContext(connection) as queries:
            compute(MARCH, Scope.district())
            trend(MARCH, Scope.district())
        return len(queries.captured_queries)

    small = count()
    _grow(30)
    assert count() == small
    assert small <= 33  # 30, plus the referrals domain's one query per grouping (district, town, organization)
