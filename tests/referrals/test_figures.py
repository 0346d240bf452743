"""The referral figures on a hand-built March 2026, counted by hand (see each referral's
comment), as ``monthly_report --json`` prints them: month, year to date, previous month, by
town and by organization."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from reports.figures import fresh_figures
from reports.presentation import report_context
from reports.statistics import Scope, compute
from tests.factories import BeneficiaryFactory, OrganizationFactory, ReferralFactory, town

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


def at(month, day):
    return timezone.make_aware(datetime.datetime(2026, month, day, 10, 0))


@pytest.fixture
def orgs():
    from organizations.models import ServiceArea

    a = OrganizationFactory(name="甲旗袍俱乐部", town=town("锦屏街道"))
    b = OrganizationFactory(name="乙和事嫂", town=town("溪口镇"))
    c = OrganizationFactory(name="丙心之岸", town=town("溪口镇"))
    a.service_areas.set([ServiceArea.objects.get(code="care")])
    b.service_areas.set([ServiceArea.objects.get(code="rights")])
    return a, b, c


@pytest.fixture
def month(orgs):
    a, b, c = orgs

    def refer(frm, to, sent, **fields):
        person = BeneficiaryFactory(organization=frm)
        return ReferralFactory(person=person, from_organization=frm, to_organization=to, sent_on=sent, **fields)

    # r1 A→B sent 3-02, accepted 3-04 (2 days), completed 3-20
    refer(a, b, datetime.date(2026, 3, 2), status="completed", accepted_at=at(3, 4), completed_at=at(3, 20))
    # r2 A→B sent 3-10, accepted 3-15 (5 days)
    refer(a, b, datetime.date(2026, 3, 10), status="accepted", accepted_at=at(3, 15))
    # r3 A→C sent 3-25, waiting at the month's end
    refer(a, c, datetime.date(2026, 3, 25))
    # r4 B→A sent 2-20 (February), accepted 3-01 (9 days)
    refer(b, a, datetime.date(2026, 2, 20), status="accepted", accepted_at=at(3, 1))
    # r5 A→B sent 3-28, rejected 3-30: not waiting
    refer(a, b, datetime.date(2026, 3, 28), status="rejected", closed_at=at(3, 30), reject_reason="不在范围")
    # r6 A→B sent 3-30, accepted 4-02: waiting at the month's end
    refer(a, b, datetime.date(2026, 3, 30), status="accepted", accepted_at=at(4, 2))
    # r7 C→A sent 1-15, accepted 1-16 (1 day), completed 2-10: the year's figures only
    refer(c, a, datetime.date(2026, 1, 15), status="completed", accepted_at=at(1, 16), completed_at=at(2, 10))
    # r8 a request by B for A's person, asked 3-05, approved 3-06 (1 day): made by A on 3-06
    refer(a, b, datetime.date(2026, 3, 5), kind="request", status="accepted", accepted_at=at(3, 6))
    return orgs


def pick(figures):
    keys = ("referrals_made", "referrals_accepted", "referrals_completed", "referrals_pending")
    return tuple(figures[k] for k in keys) + (figures["referral_acceptance_days_median"],)


def test_the_district_month_year_and_previous_month(month):
    out = io.StringIO()
    call_command("monthly_report", "2026-03", "--json", stdout=out)
    stats = json.loads(out.getvalue())
    # made: r1 r2 r3 r5 r6 r8; accepted: r1 r2 r4 r8 (days 2 5 9 1: median 3.5); completed r1; waiting r3 r6
    assert pick(stats["month_figures"]) == (6, 4, 1, 2, 3.5)
    # plus r4 (Feb) and r7 (Jan) made, r7 accepted (1 day: 1 1 2 5 9 -> 2) and completed
    assert pick(stats["ytd_figures"]) == (8, 5, 2, 2, 2)
    # February: r4 made and waiting at its end; r7 completed
    assert pick(stats["previous_month_figures"]) == (1, 0, 1, 1, None)


def test_by_organization_and_by_town(month):
    a, b, c = month
    stats = compute(MARCH, Scope.district())
    rows = {row["organization"]: row for row in stats["by_organization"]}
    assert pick(rows["甲旗袍俱乐部"]) == (6, 1, 0, 0, 9)  # sent r1 r2 r3 r5 r6 r8; accepted r4
    assert pick(rows["乙和事嫂"]) == (0, 3, 1, 1, 2)  # accepted r1 r2 r8 (2 5 1); waiting r6
    assert pick(rows["丙心之岸"]) == (0, 0, 0, 1, None)  # waiting r3
    towns = {row["town"]: row for row in stats["by_town"]}
    assert pick(towns["锦屏街道"]) == (6, 1, 0, 0, 9)
    assert pick(towns["溪口镇"]) == (0, 3, 1, 2, 2)
    assert pick(towns["溪口镇"]["ytd"]) == (2, 3, 1, 2, 2)  # r4 (Feb) and r7 (Jan) sent from 溪口镇


def test_an_organization_scope(month):
    a, b, c = month
    assert pick(compute(MARCH, Scope.for_organization(b))["month_figures"]) == (0, 3, 1, 1, 2)
    assert pick(compute(MARCH, Scope.for_organization(a))["ytd_figures"]) == (
        6,
        2,
        1,
        0,
        5,
    )  # r4 (9 days), r7 (1 day, completed 2-10)


def test_the_report_shows_referrals_between_service_areas(month):
    context = report_context(MARCH, Scope.district(), figures=fresh_figures(MARCH, Scope.district()))
    areas = {(row["from"], row["to"]): (row["month"], row["ytd"]) for row in context["referral_areas"]}
    # Referrals (not requests) A (关爱帮扶) → B (维权调解): r1 r2 r5 r6 in March
    assert areas[("关爱帮扶", "维权调解")] == (4, 4)
    labels = [row["label"] for row in context["sections"]["referrals"]]
    assert "发出转介" in labels and "转介接收天数（中位数）" in labels
