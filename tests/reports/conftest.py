"""A small dataset with known figures for March 2026 (see EXPECTED_* in test_statistics.py)."""

import datetime
from decimal import Decimal

import pytest

from tests.factories import (
    AttendanceFactory,
    BeneficiaryFactory,
    CharityProjectFactory,
    MediationCaseFactory,
    OrganizationFactory,
    TrainingSessionFactory,
    VisitFactory,
    make_id_number,
    town,
)

D = datetime.date
MARCH = D(2026, 3, 1)
ORG_A = "兰馨<b>巾帼</b>服务社"  # markup in a name: the PDF must show it as text
ORG_B = "岳林和事嫂调解队"


@pytest.fixture
def dataset(db):
    t1, t2 = town("锦屏街道"), town("岳林街道")
    a = OrganizationFactory(name=ORG_A, town=t1, founded=D(2019, 1, 1))
    b = OrganizationFactory(name=ORG_B, town=t2, founded=D(2019, 1, 1))
    OrganizationFactory(
        name="已停止的组织", town=t2, founded=D(2019, 1, 1), active=False, deactivated_on=D(2026, 3, 20)
    )
    d = OrganizationFactory(name="三月新成立的组织", town=t1, founded=D(2026, 3, 10))

    CharityProjectFactory(
        organization=a, amount=Decimal("50000.00"), start_date=D(2026, 1, 1), end_date=D(2026, 12, 31)
    )
    CharityProjectFactory(
        organization=b, amount=Decimal("12000.50"), start_date=D(2026, 3, 15), end_date=D(2026, 4, 30)
    )
    CharityProjectFactory(organization=b, amount=Decimal("8000.00"), start_date=D(2025, 6, 1), end_date=D(2026, 2, 10))
    CharityProjectFactory(organization=a, amount=Decimal("9999.00"), start_date=D(2026, 5, 1), end_date=D(2026, 6, 1))

    b1 = BeneficiaryFactory(town=t1, organization=a, key_care=True, visit_cadence=2)
    b2 = BeneficiaryFactory(town=t2, organization=b, key_care=True, visit_cadence=1, key_care_since=D(2026, 2, 15))
    b3 = BeneficiaryFactory(town=t1, organization=a)
    b4 = BeneficiaryFactory(town=t2, organization=b, key_care=True, visit_cadence=2, key_care_since=D(2026, 3, 20))
    b5 = BeneficiaryFactory(town=t1, organization=a, key_care=True, visit_cadence=1, active=False)
    for beneficiary, day in [
        (b1, D(2025, 12, 30)),
        (b1, D(2026, 1, 5)),
        (b1, D(2026, 1, 20)),
        (b1, D(2026, 2, 10)),
        (b1, D(2026, 3, 1)),
        (b1, D(2026, 3, 31)),
        (b2, D(2026, 2, 20)),
        (b3, D(2026, 3, 15)),
        (b3, D(2026, 4, 1)),
        (b4, D(2026, 3, 25)),
        (b5, D(2026, 3, 10)),
        (b5, D(2026, 3, 11)),
    ]:
        VisitFactory(beneficiary=beneficiary, visit_date=day)
    VisitFactory(beneficiary=b3, organization=b, visit_date=D(2026, 3, 16))  # B visits A's beneficiary

    p1, p2, p3, p4, p5 = (make_id_number(birth=D(1980 + i, 1, 1)) for i in range(5))
    s1 = TrainingSessionFactory(organization=a, town=t1, date=D(2026, 3, 12))
    s2 = TrainingSessionFactory(organization=b, town=t2, date=D(2026, 3, 20))
    s3 = TrainingSessionFactory(organization=a, town=t1, date=D(2026, 2, 5))
    s4 = TrainingSessionFactory(organization=b, town=t2, date=D(2026, 1, 10))
    AttendanceFactory(
        session=s1, id_number=p1, certificate_obtained=True, certificate_number="Z1", certificate_date=D(2026, 3, 12)
    )
    AttendanceFactory(session=s1, id_number=p2)
    AttendanceFactory(session=s1, id_number=p3, attended=False)
    AttendanceFactory(session=s2, id_number=p1)
    AttendanceFactory(session=s2, id_number=p4, certificate_obtained=True, certificate_number="Z2")
    AttendanceFactory(
        session=s3, id_number=p2, certificate_obtained=True, certificate_number="Z3", certificate_date=D(2026, 3, 2)
    )
    AttendanceFactory(session=s4, id_number=p5)

    for org, received, status, closed in [
        (a, D(2026, 3, 5), "succeeded", D(2026, 3, 25)),
        (a, D(2026, 2, 10), "failed", D(2026, 3, 10)),
        (b, D(2026, 1, 15), "referred", D(2026, 2, 20)),
        (b, D(2026, 3, 18), "mediating", None),
        (b, D(2026, 2, 1), "withdrawn", None),
        (a, D(2025, 11, 1), "succeeded", D(2026, 4, 5)),
        (b, D(2026, 2, 25), "withdrawn", D(2026, 3, 3)),
        (a, D(2026, 4, 2), "received", None),
    ]:
        MediationCaseFactory(organization=org, received_date=received, status=status, closed_date=closed)
    return {"a": a, "b": b, "d": d, "t1": t1, "t2": t2}
