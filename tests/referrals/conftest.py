import datetime

import pytest

from tests.factories import BeneficiaryFactory, MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture
def admin_b(org_b, password):
    user = UserFactory(email="admin-b@example.cn", role="member", password=password, full_name="组织B管理员")
    MembershipFactory(user=user, organization=org_b, role="admin")
    return user


@pytest.fixture
def org_c(db):
    return OrganizationFactory(name="心之岸社工服务社")


@pytest.fixture
def member_c(org_c, password):
    user = UserFactory(email="member-c@example.cn", role="member", password=password, full_name="组织C社工")
    MembershipFactory(user=user, organization=org_c, role="admin")
    return user


@pytest.fixture
def person_a(org_a):
    return BeneficiaryFactory(name="王奶奶", organization=org_a, phone="13857421234", birth=datetime.date(1948, 3, 2))


@pytest.fixture
def send(person_a, org_a, org_b, member_a):
    """send(**changes) -> a referral of 王奶奶 from A to B, sent by A's volunteer."""
    from referrals import services

    def make(**changes):
        values = {
            "person": person_a,
            "from_organization": org_a,
            "to_organization": org_b,
            "actor": member_a,
            "reason": "family_mediation",
            "note": "子女互相推脱赡养义务。",
            "consent_date": datetime.date.today(),
            "consent_method": "verbal",
            **changes,
        }
        return services.referral_create(**values)

    return make
