"""Deterministic data for one year (12 months ending ``end_month``; 2025 by default) at ``scale``
times the article's figures.

At scale 1 (the article's year): ~60 organizations, 6,300 beneficiaries of whom 746 old women
directors (30 of them key-care, visited twice a month), ~60,000 visits, 237 training sessions
with ~1,000 distinct trainees and 419 certificates, 58 charity projects and 153 mediation
cases.  ``generate(scale, seed)`` fills an empty, migrated database with ``bulk_create`` (a few
seconds per scale unit) and returns a summary; the same scale and seed give the same data.
Used by ``manage.py seed_demo --scale N`` (the 12 months up to last month) and the benchmarks
(bench/, the year 2025 so results stay comparable).
"""

import datetime
import random
from decimal import Decimal
from functools import cache

from django.db import transaction

from core.months import add_months, month_end

VERSION = 3
YEAR = 2025
BATCH = 5000

SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严赖覃洪武莫孔"
GIVEN = "秀英桂英美华玉兰凤英淑珍丽娟芳敏静霞红梅丽华玉珍桂兰春兰小红海燕雪梅晓燕金凤彩霞月娥素琴爱华巧玲慧琴"
ORG_WORDS = [
    "巾帼志愿队",
    "妇女微家",
    "公益服务社",
    "家事调解工作室",
    "巧娘工作室",
    "姐妹互助会",
    "兰馨关爱团",
    "创业联盟",
]
TRAINING = [
    ("vocational", "母婴护理培训"),
    ("vocational", "育婴师培训"),
    ("culture", "国学课堂"),
    ("culture", "茶艺沙龙"),
    ("culture", "瑜伽课"),
    ("emotional", "心理咨询讲座"),
    ("entrepreneurship", "种植技术培训"),
    ("entrepreneurship", "电商直播培训"),
]
CASE_STATUSES = ["succeeded"] * 11 + ["failed", "referred", "withdrawn", "mediating", "received"]


def _id_number(index, gender, check_char):
    """A valid ID number, unique per index: birth date and serial derived from the index."""
    birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=index % 25000)
    serial = (index // 25000) * 2 + (1 if gender == "M" else 0)
    first17 = f"330213{birth:%Y%m%d}{serial:03d}"  # Fenghua District since 2016
    return first17 + check_char(first17), birth


class Period:
    """The 12 months ending with ``end_month`` (a date in that month)."""

    def __init__(self, end_month):
        self.start = add_months(end_month, -11)
        self.end = month_end(end_month)
        self.days = (self.end - self.start).days + 1

    def day(self, rng, days=None):
        return self.start + datetime.timedelta(days=rng.randrange(min(days or self.days, self.days)))

    def month_day(self, rng, month):
        """A day of the ``month``-th month of the period (1..12)."""
        return add_months(self.start, month - 1).replace(day=rng.randint(1, 28))


@cache
def initials(name):
    """The register's pinyin initials (beneficiaries.services.name_initials), once per name."""
    from beneficiaries.services import name_initials

    return name_initials(name)


def organization_names(scale):
    """The names ``generate`` gives its organizations (60 per scale unit)."""
    from organizations.models import Town

    towns = list(Town.objects.order_by("order", "name").values_list("name", flat=True))
    return [f"{towns[i % len(towns)]}{ORG_WORDS[i % len(ORG_WORDS)]}{i + 1:04d}" for i in range(60 * scale)]


@transaction.atomic
def generate(scale=1, seed=2021, end_month=datetime.date(YEAR, 12, 1)):
    """Fills the database with a year of records ending ``end_month``; returns
    ``{"counts": {...}, "year": ..., "month": "YYYY-MM"}`` (the last month).  Organization names
    are numbered, so this adds to the small demo of seed_demo without clashing."""
    from beneficiaries.models import Beneficiary, BeneficiaryCategory, Visit
    from cases.models import CaseNumberSequence, MediationCase
    from organizations.models import Organization, ServiceArea, Town
    from organizations.validators import credit_code_check_char, id_check_char
    from projects.models import CharityProject
    from training.models import Attendance, TrainingSession

    rng = random.Random(seed)
    period = Period(end_month)
    _day, _month_day = period.day, period.month_day
    towns = list(Town.objects.order_by("order", "name"))
    areas = list(ServiceArea.objects.all())

    # Organizations: 60 per scale unit, a few stopped during the year.
    organizations = []
    names = organization_names(scale)
    for i in range(60 * scale):
        town = towns[i % len(towns)]
        stopped = i % 20 == 19
        organizations.append(
            Organization(
                name=names[i],
                credit_code=(lambda f: f + credit_code_check_char(f))(f"52330283{i + 1:09d}"),
                kind=rng.choice(list(Organization.Kind.values)),
                town=town,
                leader_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                phone=f"0574-8{rng.randrange(10**6):06d}",
                founded=datetime.date(2015 + i % 10, 1 + i % 12, 1),
                volunteer_count=rng.randint(5, 80),
                active=not stopped,
                deactivated_on=_day(rng) if stopped else None,
            )
        )
    organizations = Organization.objects.bulk_create(organizations, batch_size=BATCH)
    Organization.service_areas.through.objects.bulk_create(
        [
            Organization.service_areas.through(organization_id=o.pk, servicearea_id=areas[i % len(areas)].pk)
            for i, o in enumerate(organizations)
        ],
        batch_size=BATCH,
    )

    # Beneficiaries: 6,300 per unit; 746 old women directors, the first 30 of them key-care.
    directors, key_care_count = 746 * scale, 30 * scale
    beneficiaries = []
    for i in range(6300 * scale):
        gender = "M" if i % 9 == 8 else "F"
        id_number, birth = _id_number(i, gender, id_check_char)
        org = organizations[rng.randrange(len(organizations))]
        key_care = i < key_care_count
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        beneficiaries.append(
            Beneficiary(
                name=name,
                name_initials=initials(name),
                gender=gender,
                id_number=id_number,
                birth_date=birth,
                phone=f"138{i:08d}",
                town=org.town,
                village=f"第{i % 40 + 1}村",
                address=f"{org.town.name}第{i % 40 + 1}村{i % 300 + 1}号",
                key_care=key_care,
                key_care_since=period.start - datetime.timedelta(days=200) if key_care else None,
                visit_cadence=2 if key_care else 0,
                organization=org,
                consent_date=period.start - datetime.timedelta(days=30),
                consent_method="written",
            )
        )
    beneficiaries = Beneficiary.objects.bulk_create(beneficiaries, batch_size=BATCH)
    category = {c.code: c.pk for c in BeneficiaryCategory.objects.all()}
    others = [pk for code, pk in category.items() if code != "old_women_director"]
    through = Beneficiary.categories.through
    through.objects.bulk_create(
        [
            through(
                beneficiary_id=b.pk,
                beneficiarycategory_id=category["old_women_director"] if i < directors else others[i % len(others)],
            )
            for i, b in enumerate(beneficiaries)
        ],
        batch_size=BATCH,
    )

    # Visits: key-care twice a month (once in one month of five), the rest ~60,000 per unit.
    visits = []
    modes = ["home"] * 6 + ["phone"] * 2 + ["health_check", "supplies"]
    for b in beneficiaries[:key_care_count]:
        for month in range(1, 13):
            for _n in range(1 if rng.random() < 0.2 else 2):
                visits.append(
                    Visit(
                        beneficiary_id=b.pk,
                        organization_id=b.organization_id,
                        visit_date=_month_day(rng, month),
                        mode=rng.choice(modes),
                        visitors="志愿者",
                    )
                )
    rest = 60000 * scale - len(visits)
    for _n in range(rest):
        b = beneficiaries[rng.randrange(key_care_count, len(beneficiaries))]
        visits.append(
            Visit(
                beneficiary_id=b.pk,
                organization_id=b.organization_id,
                visit_date=_day(rng),
                mode=rng.choice(modes),
                visitors="志愿者",
            )
        )
    Visit.objects.bulk_create(visits, batch_size=BATCH)

    # Training: 237 sessions per unit, ~1,000 distinct trainees, 419 certificates.
    sessions = []
    for i in range(237 * scale):
        # The article: 146 vocational sessions and 91 cultural, emotional and business ones.
        pool = TRAINING[:2] if i % 237 < 146 else TRAINING[2:]
        category_code, title = pool[i % len(pool)]
        org = organizations[rng.randrange(len(organizations))]
        sessions.append(
            TrainingSession(
                organization=org,
                title=f"{title}第{i + 1}期",
                category=category_code,
                town=org.town,
                date=_day(rng),
                hours=Decimal(rng.choice(["2.0", "3.0", "4.0", "8.0"])),
                trainer="张老师",
            )
        )
    sessions = TrainingSession.objects.bulk_create(sessions, batch_size=BATCH)
    people = [(f"学员{i:06d}", f"139{i:08d}") for i in range(1000 * scale)]
    attendance = []
    for session in sessions:
        for person in rng.sample(range(len(people)), 12):
            name, phone = people[person]
            attendance.append(
                Attendance(
                    session_id=session.pk, name=name, phone=phone, person_key=phone, attended=rng.random() > 0.05
                )
            )
    attended = [a for a in attendance if a.attended]
    rng.shuffle(attended)
    session_date = {s.pk: s.date for s in sessions}
    for n, a in enumerate(attended[: 419 * scale]):
        a.certificate_obtained = True
        a.certificate_number = f"ZS{period.end.year}{n + 1:06d}"
        a.certificate_date = min(session_date[a.session_id] + datetime.timedelta(days=14), period.end)
    Attendance.objects.bulk_create(attendance, batch_size=BATCH)

    # Projects: 58 per unit.
    projects = []
    for i in range(58 * scale):
        org = organizations[rng.randrange(len(organizations))]
        start = _day(rng, days=300)
        projects.append(
            CharityProject(
                name=f"兰馨公益项目{i + 1:04d}",
                organization=org,
                funder=organizations[0] if i % 8 == 0 and org != organizations[0] else None,
                funding_source=rng.choice(["government", "social", "enterprise"]),
                amount=Decimal(rng.randrange(10000, 200000, 500)),
                start_date=start,
                end_date=start + datetime.timedelta(days=rng.randint(60, 365)),
                target_beneficiaries=rng.randint(20, 300),
                status=rng.choice(["approved", "in_progress", "completed"]),
            )
        )
    CharityProject.objects.bulk_create(projects, batch_size=BATCH)

    # Mediation cases: 153 per unit, numbered on from each year's sequence like the portal does.
    sequences = {row.year: row.last for row in CaseNumberSequence.objects.all()}

    def next_number(year):
        sequences[year] = sequences.get(year, 0) + 1
        return f"TJ-{year}-{sequences[year]:04d}"

    cases = []
    for i in range(153 * scale):
        org = organizations[rng.randrange(len(organizations))]
        received = _day(rng)
        status = rng.choice(CASE_STATUSES)
        closed = None
        if status in ("succeeded", "failed", "referred") or (status == "withdrawn" and i % 2):
            closed = min(received + datetime.timedelta(days=rng.randint(1, 60)), period.end)
        cases.append(
            MediationCase(
                number=next_number(received.year),
                organization=org,
                category=rng.choice(list(MediationCase.Category.values)),
                source=rng.choice(list(MediationCase.Source.values)),
                received_date=received,
                status=status,
                closed_date=closed,
            )
        )
    MediationCase.objects.bulk_create(cases, batch_size=BATCH)
    for year, last in sequences.items():
        CaseNumberSequence.objects.update_or_create(year=year, defaults={"last": last})

    return {
        "year": period.end.year,
        "month": f"{period.end:%Y-%m}",
        "counts": {
            "organizations": len(organizations),
            "beneficiaries": len(beneficiaries),
            "old_women_directors": directors,
            "key_care": key_care_count,
            "visits": len(visits),
            "training_sessions": len(sessions),
            "attendance": len(attendance),
            "trainees": len(people),
            "certificates": min(419 * scale, len(attended)),
            "projects": len(projects),
            "cases": len(cases),
        },
    }
