"""History (finding 7): a year of past key-care records entered today reproduces each past
month's key-care figures, counted from ``key_care_since`` (kept as given), and a person taken
off the register counts in the months before the one they left."""

import datetime

import pytest
from freezegun import freeze_time

from beneficiaries import services
from beneficiaries.models import Beneficiary, Visit
from core.months import add_months, month_end
from reports.statistics import Scope, compute, trend
from tests.factories import make_id_number, town

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 30)
MONTHS = [add_months(datetime.date(2025, 11, 1), i) for i in range(12)]  # 2025-11 .. 2026-10


def people_plan():
    """(key_care_since, cadence, {month index: visits}) per person: one listed each month, on
    the 10th; visits in a pattern that leaves some months short of the cadence."""
    plan = []
    for k, start in enumerate(MONTHS):
        cadence = 1 + k % 2
        visits = {}
        for i in range(k, 12):
            short = (i + k) % 3 == 0
            visits[i] = cadence - 1 if short else cadence
        plan.append((start.replace(day=10), cadence, visits))
    return plan


def expected(plan, left):
    """{month index: (key-care total, on cadence)} worked out from the plan alone."""
    out = {}
    for i, start in enumerate(MONTHS):
        end = month_end(start)
        total = on = 0
        for k, (since, cadence, visits) in enumerate(plan):
            if since > end or (k in left and left[k] <= end):
                continue
            total += 1
            on += visits.get(i, 0) >= cadence
        out[i] = (total, on)
    return out


def test_twelve_past_months_of_key_care_are_reproduced(org_a, member_a, admin_a):
    plan = people_plan()
    people = []
    with freeze_time(TODAY.isoformat()):
        for k, (since, cadence, visits) in enumerate(plan):
            person = services.beneficiary_create(
                actor=member_a,
                name=f"王{'秀桂美玉凤兰'[k % 6]}{k}",
                id_number=make_id_number(datetime.date(1950, 1, 1) + datetime.timedelta(days=k), "F", n=7000 + k),
                town=town(),
                village="东门村",
                organization=org_a,
                consent_date=datetime.date(2025, 10, 1),
                consent_method="written",
                key_care=True,
                visit_cadence=cadence,
                key_care_since=since,
            )
            assert person.key_care_since == since  # kept as given: a past date is allowed
            people.append(person)
            for i, n in visits.items():
                for j in range(n):
                    services.visit_create(
                        beneficiary=person,
                        actor=member_a,
                        visit_date=MONTHS[i].replace(day=12 + 3 * j),
                        mode="home",
                        confirm_duplicate=True,
                    )
        # A visit withdrawn as a mistake counts nowhere: person 0 in month 0 falls short again.
        extra = services.visit_create(
            beneficiary=people[0], actor=member_a, visit_date=MONTHS[0].replace(day=25), mode="phone"
        )
        services.visit_withdraw(visit=extra, actor=member_a, version=extra.version, reason="登记错了")
    # Person 3 left the register on 2026-06-15 (moved away): counted up to May.
    left = {3: datetime.date(2026, 6, 15)}
    with freeze_time("2026-06-15"):
        services.beneficiary_deactivate(beneficiary=people[3], actor=admin_a, reason="搬离本区")
    assert Beneficiary.objects.get(pk=people[3].pk).deactivated_on == left[3]

    want = expected(plan, left)
    with freeze_time(TODAY.isoformat()):
        got = {}
        for i, start in enumerate(MONTHS):
            figures = compute(start, Scope.district())["month_figures"]
            got[i] = (figures["key_care_total"], figures["key_care_on_cadence"])
        series = trend(MONTHS[-1], Scope.district())["key_care_coverage"]
    assert got == want
    assert [t for t, _ in want.values()] == [1, 2, 3, 4, 5, 6, 7, 7, 8, 9, 10, 11]
    assert series == [round(on / total, 4) for total, on in want.values()]
    assert Visit.all_objects.filter(withdrawn_at__isnull=False).count() == 1
