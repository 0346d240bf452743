import datetime

import pytest

from tests.factories import CharityProjectFactory, ProjectReportFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.fixture
def project_a(org_a):
    return CharityProjectFactory(
        organization=org_a,
        name="关爱老妇女主任",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )


@pytest.fixture
def funder(db):
    from tests.factories import OrganizationFactory

    return OrganizationFactory(name="奉化巾帼创业创新联谊会")


@pytest.fixture
def funder_member(funder):
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(email="funder@example.cn", full_name="联谊会会员")
    MembershipFactory(user=user, organization=funder)
    return user


def report_for(project, status="draft", month=3, **extra):
    start = datetime.date(2026, month, 1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return ProjectReportFactory(project=project, status=status, period_start=start, period_end=end, **extra)
