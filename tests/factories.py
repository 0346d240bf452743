"""factory_boy factories for every model.  Apps' tests add what they need here, keeping one
factory per model."""
import datetime
import itertools
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from organizations.models import Membership, Organization, Town
from organizations.validators import credit_code_check_char, id_check_char

_credit_seq = itertools.count(1)
_id_seq = itertools.count(1)


def make_credit_code(n=None):
    """A valid unified social credit code (GB 32100) for test number n."""
    n = next(_credit_seq) if n is None else n
    first17 = f"52330283{n:09d}"
    return first17 + credit_code_check_char(first17)


def make_id_number(birth=datetime.date(1960, 5, 1), gender="F", n=None, region="330283"):
    """A valid ID card number (GB 11643): women have an even 17th digit."""
    n = next(_id_seq) if n is None else n
    serial = (n % 100) * 10 + (n // 100) % 10  # three digits, the last carries the gender
    serial = serial - serial % 2 + (1 if gender == "M" else 0)
    seq = f"{serial % 1000:03d}"
    first17 = f"{region}{birth:%Y%m%d}{seq}"
    return first17 + id_check_char(first17)


def town(name="锦屏街道"):
    return Town.objects.get(name=name)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.cn")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = "member"
    password = factory.PostGenerationMethodCall("set_password", "Fenghua-test-2026")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试组织{n}")
    credit_code = factory.LazyFunction(make_credit_code)
    kind = Organization.Kind.REGISTERED
    town = factory.LazyFunction(town)
    leader_name = "李芳"
    phone = "0574-88881234"
    founded = datetime.date(2018, 3, 8)
    volunteer_count = 20
    active = True


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.MEMBER


__all__ = [
    "Decimal",
    "MembershipFactory",
    "OrganizationFactory",
    "UserFactory",
    "make_credit_code",
    "make_id_number",
    "town",
]
