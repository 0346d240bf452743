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
    # 500 serials per birth date and region (the last digit carries the gender); past that, the
    # next region code, so the birth date asked for is kept.
    region = f"{int(region) + n // 500:06d}"
    serial = (n % 500) * 2 + (1 if gender == "M" else 0)
    first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
    return first17 + id_check_char(first17)


def town(name="锦屏街道"):
    return Town.objects.get(name=name)


class UserFactory(DjangoModelFactory):
    """An account made the way the portal makes them (``User.objects.create_user``): with a
    password, its login address is recorded as verified, so it can log in."""

    class Meta:
        model = "accounts.User"

    email = factory.Sequence(lambda n: f"user{n}@example.cn")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = "member"
    password = "Fenghua-test-2026"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)


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


def _category(code):
    from beneficiaries.models import BeneficiaryCategory

    return BeneficiaryCategory.objects.get(code=code)


def _initials(name):
    from beneficiaries.services import name_initials

    return name_initials(name)


class BeneficiaryFactory(DjangoModelFactory):
    class Meta:
        model = "beneficiaries.Beneficiary"

    class Params:
        birth = datetime.date(1958, 6, 15)

    name = factory.Sequence(lambda n: "王" + "秀英桂英美华玉兰凤英"[n % 10] + "芳"[: n % 2])
    # As the services derive them, so that a search by initials finds factory-made people.
    name_initials = factory.LazyAttribute(lambda o: _initials(o.name))
    gender = "F"
    id_number = factory.LazyAttribute(lambda o: make_id_number(birth=o.birth, gender=o.gender))
    birth_date = factory.LazyAttribute(lambda o: o.birth)
    phone = factory.Sequence(lambda n: f"1385742{n:04d}")
    town = factory.LazyFunction(town)
    village = "东门村"
    address = factory.Sequence(lambda n: f"锦屏街道东门村{n}号")
    organization = factory.SubFactory(OrganizationFactory)
    key_care = False
    visit_cadence = 0
    consent_date = datetime.date(2026, 1, 5)
    consent_method = "written"


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = "beneficiaries.Visit"

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    organization = factory.LazyAttribute(lambda o: o.beneficiary.organization)
    visit_date = datetime.date(2026, 3, 10)
    visitors = "志愿者小李"
    mode = "home"
    supplies_value = Decimal("0")


class TrainingSessionFactory(DjangoModelFactory):
    class Meta:
        model = "training.TrainingSession"

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"母婴护理培训第{n}期")
    category = "vocational"
    town = factory.LazyFunction(town)
    date = datetime.date(2026, 3, 12)
    hours = Decimal("4.0")
    trainer = "张老师"


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = "training.Attendance"

    session = factory.SubFactory(TrainingSessionFactory)
    name = factory.Sequence(lambda n: f"学员{n}")
    id_number = factory.LazyFunction(lambda: make_id_number(birth=datetime.date(1985, 2, 3)))
    phone = ""
    person_key = factory.LazyAttribute(lambda o: o.id_number or o.phone)
    attended = True


class CharityProjectFactory(DjangoModelFactory):
    class Meta:
        model = "projects.CharityProject"

    name = factory.Sequence(lambda n: f"关爱老妇女主任项目{n}")
    organization = factory.SubFactory(OrganizationFactory)
    funding_source = "social"
    amount = Decimal("50000.00")
    start_date = datetime.date(2026, 1, 1)
    end_date = datetime.date(2026, 12, 31)
    target_beneficiaries = 100
    status = "in_progress"


class ProjectReportFactory(DjangoModelFactory):
    class Meta:
        model = "projects.ProjectReport"

    project = factory.SubFactory(CharityProjectFactory)
    period_start = datetime.date(2026, 3, 1)
    period_end = datetime.date(2026, 3, 31)
    narrative = "本月走访老妇女主任30人次。"
    people_served = 30
    funds_spent = Decimal("3000.00")
    status = "draft"


_case_seq = itertools.count(1)


class MediationCaseFactory(DjangoModelFactory):
    class Meta:
        model = "cases.MediationCase"

    number = factory.LazyFunction(lambda: f"TJ-T-{next(_case_seq):05d}")
    organization = factory.SubFactory(OrganizationFactory)
    category = "elder_support"
    source = "walk_in"
    received_date = datetime.date(2026, 3, 5)
    status = "received"
    summary = "王奶奶的四个子女互相推脱赡养义务。"


class CasePartyFactory(DjangoModelFactory):
    class Meta:
        model = "cases.CaseParty"

    case = factory.SubFactory(MediationCaseFactory)
    role = "applicant"
    name = "王奶奶"
    phone = "13857420000"


class ReferralFactory(DjangoModelFactory):
    """A referral as stored (待接收 unless told); for steps use referrals.services."""

    class Meta:
        model = "referrals.Referral"

    person = factory.SubFactory(BeneficiaryFactory)
    from_organization = factory.LazyAttribute(lambda o: o.person.organization)
    to_organization = factory.SubFactory(OrganizationFactory)
    reason = "family_mediation"
    note = "子女互相推脱赡养义务。"
    urgency = "normal"
    consent_date = datetime.date(2026, 3, 1)
    consent_method = "verbal"
    status = "pending"
    sent_on = datetime.date(2026, 3, 2)


__all__ = [
    "ReferralFactory",
    "AttendanceFactory",
    "BeneficiaryFactory",
    "CasePartyFactory",
    "CharityProjectFactory",
    "MediationCaseFactory",
    "ProjectReportFactory",
    "TrainingSessionFactory",
    "VisitFactory",
    "_category",
    "Decimal",
    "MembershipFactory",
    "OrganizationFactory",
    "UserFactory",
    "make_credit_code",
    "make_id_number",
    "town",
]
